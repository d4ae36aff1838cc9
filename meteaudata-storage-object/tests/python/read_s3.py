"""Reads data objects the object-store backend wrote, straight from an S3 server, with polars
and DuckDB (no meteaudata), and prints what each got as JSON lines.

usage: python read_s3.py ENDPOINT BUCKET KEY [KEY ...]
(credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION)
"""
import json
import math
import os
import pathlib
import sys

import duckdb
import polars as pl

endpoint, bucket, keys = sys.argv[1], sys.argv[2], sys.argv[3:]
region = os.environ.get("AWS_REGION", "us-east-1")
storage = {
    "aws_endpoint_url": endpoint,
    "aws_allow_http": "true",
    "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"],
    "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"],
    "aws_region": region,
}


def value(v):
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    return v


def times(col):
    """Timestamps as integers (ns since the epoch, UTC) and the zone, as strings are ambiguous."""
    dtype = col.dtype
    zone = getattr(dtype, "time_zone", None)
    ns = col.dt.cast_time_unit("ns").cast(pl.Int64).to_list()
    return ns, zone


for key in keys:
    url = f"s3://{bucket}/{key}"
    df = pl.scan_parquet(url, storage_options=storage).collect()
    index = [c for c in df.columns if df[c].dtype.is_temporal()][0]
    values = [c for c in df.columns if c != index][0]
    ns, zone = times(df[index])
    print(json.dumps({"reader": "polars", "key": key, "zone": zone, "ns": ns,
                      "values": [value(v) for v in df[values].to_list()]}))

con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
site = pathlib.Path(duckdb.__file__).parent.parent
ext = next(site.glob("duckdb_ext/extensions/*/*/httpfs.duckdb_extension"))
con.load_extension(str(ext))
host = endpoint.split("://", 1)[1]
con.execute(
    f"CREATE SECRET s3 (TYPE S3, KEY_ID '{storage['aws_access_key_id']}', "
    f"SECRET '{storage['aws_secret_access_key']}', REGION '{region}', ENDPOINT '{host}', "
    "URL_STYLE 'path', USE_SSL false)"
)
for key in keys:
    url = f"s3://{bucket}/{key}"
    rel = con.sql(f"SELECT * FROM read_parquet('{url}')")
    cols = rel.columns
    types = [str(t) for t in rel.types]
    ti = next(i for i, t in enumerate(types) if t.startswith("TIMESTAMP"))
    vi = next(i for i in range(len(cols)) if i != ti)
    zone = "UTC" if "WITH TIME ZONE" in types[ti] else None
    rows = con.sql(
        f"SELECT epoch_ns(\"{cols[ti]}\"), \"{cols[vi]}\" FROM read_parquet('{url}')"
    ).fetchall()
    print(json.dumps({"reader": "duckdb", "key": key, "zone": zone,
                      "ns": [r[0] for r in rows], "values": [value(r[1]) for r in rows]}))
