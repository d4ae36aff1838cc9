"""The Spark side of `cargo xtask spark` (see xtask/src/spark.rs).

Usage: hourly_means.py DIR CASE... where each CASE is DATASET:RAW:RESAMPLED:FIRST, the series
names of one raw series and of meteaudata's hourly resample of it, both stored in the
disk-backend directory DIR, and FIRST the raw series' first timestamp as the CSV wrote it.

A local Spark session reads each raw data file as it is (plain Parquet: Spark knows nothing of
meteaudata), computes the mean of its non-missing values by hour, and compares them with the
resampled file: the same hours, the same means (to 1e-9 relative), NaN exactly where an hour
has no value. Prints one `spark: ...` line per case; exits 1 on any difference.
"""

import glob
import os
import sys

os.environ.setdefault("TZ", "UTC")
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402


def data_file(directory, dataset, series):
    """The data file of SERIES in DATASET: Python meteaudata's file name for it."""
    path = os.path.join(directory, f"{dataset}_{series}.parquet")
    if not os.path.exists(path):
        found = sorted(glob.glob(os.path.join(directory, "*.parquet")))
        sys.exit(f"spark: no data file {path} (the directory holds {found})")
    return path


def columns(df, series):
    """The data file's time column as Spark timestamps (UTC), and its value column (named
    after the series)."""
    names = [f.name for f in df.schema.fields]
    if series not in names or len(names) != 2:
        sys.exit(f"spark: expected the columns {series!r} and an index, found {df.schema}")
    index = [n for n in names if n != series][0]
    kind = type(df.schema[index].dataType).__name__
    # Spark cannot read TIMESTAMP(NANOS) (pandas and meteaudata write it): with
    # spark.sql.legacy.parquet.nanosAsLong it reads nanoseconds since the epoch (UTC for
    # zoned series, the wall clock for naive ones).
    if kind != "LongType":
        sys.exit(f"spark: expected the index as nanoseconds (LongType), found {kind}")
    return F.timestamp_micros(F.floor(F.col(index) / 1000)), F.col(series)


def check(spark, directory, dataset, raw_name, resampled_name, first):
    raw = spark.read.parquet(data_file(directory, dataset, raw_name))
    t, v = columns(raw, raw_name)
    raw = raw.select(t.alias("t"), v.alias("v"))
    got_first = raw.agg(F.date_format(F.min("t"), "yyyy-MM-dd HH:mm:ss").alias("f")).first()["f"]
    if got_first != first:
        print(f"spark: dataset={dataset} FIRST TIMESTAMP {got_first} != {first}")
        return False
    rows = raw.count()
    missing_values = raw.where(F.isnan("v") | F.col("v").isNull()).count()
    ours = spark.read.parquet(data_file(directory, dataset, resampled_name))
    rt, rv = columns(ours, resampled_name)
    ours = ours.select(rt.alias("hour"), rv.alias("ours"))
    means = (
        raw.where(~F.isnan("v") & F.col("v").isNotNull())
        .groupBy(F.date_trunc("hour", F.col("t")).alias("hour"))
        .agg(F.avg("v").alias("spark"))
    )
    joined = ours.join(means, "hour", "full_outer")
    missing = F.isnan("ours") | F.col("ours").isNull()
    far = F.abs(F.col("ours") - F.col("spark")) > 1e-9 * F.greatest(F.lit(1.0), F.abs(F.col("spark")))
    bad = joined.where(
        (missing & F.col("spark").isNotNull())
        | (~missing & F.col("spark").isNull())
        | (~missing & far)
    )
    n_bad = bad.count()
    hours = ours.count()
    empty = ours.where(missing).count()
    print(
        f"spark: dataset={dataset} raw_rows={rows} raw_missing={missing_values} "
        f"hours={hours} empty_hours={empty} spark_hours={means.count()} mismatches={n_bad}"
    )
    if n_bad:
        bad.orderBy("hour").show(10, truncate=False)
    return n_bad == 0 and hours > 0 and empty > 0


def main():
    directory, cases = sys.argv[1], sys.argv[2:]
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("meteaudata-hourly-means")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.legacy.parquet.nanosAsLong", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    ok = True
    for case in cases:
        dataset, raw, resampled, first = case.split(":", 3)
        ok &= check(spark, directory, dataset, raw, resampled, first)
    spark.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
