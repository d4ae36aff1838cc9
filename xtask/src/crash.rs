//! `cargo xtask crash [--backend disk|sqlite|postgres|mysql|object-file|s3|all] [--kills K]`:
//! the SIGKILL harness.
//!
//! The `storage_worker` example of the `meteaudata` crate (built once, in release) saves,
//! streams, appends to and deletes keys at random, printing `begin …` before each operation and
//! `ack …` once it returned `Ok`. K times per backend, on one store that lives across the
//! kills, a worker is started, left to run 50-500 ms after it is ready, and killed with
//! SIGKILL; the worker's `observe` mode then reads every key back, and each key must hold what
//! its acknowledged operations made of it, or, for the one operation in flight at the kill,
//! what that operation would have made of it. A key holding anything else (a mix of versions,
//! metadata of another version, a partial append, a `Corrupt` error) is torn.
//!
//! Prints `crash: backend=B kills=K acknowledged=A verified=V lost=L torn=T` per backend and
//! fails when L or T is not 0 or V differs from A. PostgreSQL and MySQL/MariaDB use a fresh
//! schema (database) in the server of `METEAUDATA_PG_URL` (`METEAUDATA_MYSQL_URL`), dropped
//! afterwards; the object-store backend runs on a local directory (`file://`) and on a fresh
//! prefix of the S3 server of `METEAUDATA_S3_URL`. Without a server's variable its backend is
//! skipped, except in CI (`CI=true`).

use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A backend the harnesses run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Disk,
    Sqlite,
    Postgres,
    Mysql,
    /// The object-store backend on a local directory (`file://`).
    ObjectFile,
    /// The object-store backend on the S3 server of `METEAUDATA_S3_URL`.
    S3,
}

impl Backend {
    pub const ALL: [Backend; 6] = [
        Backend::Disk,
        Backend::Sqlite,
        Backend::Postgres,
        Backend::Mysql,
        Backend::ObjectFile,
        Backend::S3,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Disk => "disk",
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::Mysql => "mysql",
            Backend::ObjectFile => "object-file",
            Backend::S3 => "s3",
        }
    }

    /// `--backend` values: one name (also `postgresql`, `mariadb`) or `all`.
    pub fn parse_list(text: &str) -> Result<Vec<Backend>> {
        Ok(match text {
            "all" => Backend::ALL.to_vec(),
            "disk" => vec![Backend::Disk],
            "sqlite" => vec![Backend::Sqlite],
            "postgres" | "postgresql" | "pg" => vec![Backend::Postgres],
            "mysql" | "mariadb" => vec![Backend::Mysql],
            "object-file" | "file" => vec![Backend::ObjectFile],
            "s3" => vec![Backend::S3],
            other => bail!("unknown backend {other:?}: use disk, sqlite, postgres, mysql, object-file, s3 or all"),
        })
    }
}

/// `--name value` among `args`, with the names a command accepts checked.
pub fn options(args: &[String], known: &[&str]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if !known.contains(&a.as_str()) {
            bail!("unknown option {a:?} (options: {})", known.join(", "));
        }
        let v = it.next().with_context(|| format!("{a} needs a value"))?;
        out.insert(a.clone(), v.clone());
    }
    Ok(out)
}

/// The built programs: the storage worker example and the `meteaudata` CLI.
pub struct Binaries {
    pub worker: PathBuf,
    pub cli: PathBuf,
}

/// Builds the worker and the CLI with the workspace's features in the dev profile: the very
/// build `cargo test --workspace --all-features` makes of every library, so that CI compiles
/// the workspace once for the harnesses and the tests (a release build of its own took about
/// six of CI's minutes).
pub fn build() -> Result<Binaries> {
    crate::run(Command::new("cargo").args([
        "build",
        "-q",
        "--workspace",
        "--all-features",
        "--bin",
        "meteaudata",
        "--example",
        "storage_worker",
    ]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| {
            if t.is_absolute() {
                t
            } else {
                crate::root().join(t)
            }
        })
        .unwrap_or_else(|| crate::root().join("target"));
    let bins = Binaries {
        worker: target.join("debug/examples/storage_worker"),
        cli: target.join("debug/meteaudata"),
    };
    for b in [&bins.worker, &bins.cli] {
        if !b.exists() {
            bail!("the build did not produce {}", b.display());
        }
    }
    Ok(bins)
}

/// splitmix64, seeded from the clock unless told.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn from_clock() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Rng(nanos ^ u64::from(std::process::id()).rotate_left(32))
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// Whether we run in CI, where a missing server URL is a failure.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The server URL in `var`: `None` (with a message) on a laptop, an error in CI.
fn server_url(var: &str, what: &str) -> Result<Option<String>> {
    match std::env::var(var) {
        Ok(u) if !u.trim().is_empty() => Ok(Some(u)),
        _ if in_ci() => {
            bail!("{var} is not set but CI=true: the CI script must export it (see .ci/run)")
        }
        _ => {
            eprintln!("{what}: skipped: {var} is not set (set it to run against that server)");
            Ok(None)
        }
    }
}

/// A name no other run uses.
fn unique(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() % 1_000_000_000);
    format!(
        "{prefix}_{}_{t}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Where a database is, to drop it afterwards.
enum Place {
    Files,
    PgSchema { admin_url: String, schema: String },
    MysqlDb { admin_url: String, db: String },
}

/// A fresh store of one backend and a scratch directory for logs, removed when dropped (kept
/// when `METEAUDATA_KEEP_STORES` is set).
pub struct Store {
    /// What the worker and the CLI are given: a directory or a URL.
    pub spec: String,
    /// A private directory (the disk store and the SQLite file live in it; logs too).
    pub scratch: PathBuf,
    place: Place,
}

impl Store {
    /// A fresh store, or `None` when the server's URL is not set (outside CI).
    pub fn create(backend: Backend, what: &str) -> Result<Option<Store>> {
        let scratch = std::env::temp_dir().join(unique(&format!("meteaudata-{what}")));
        let (spec, place) = match backend {
            Backend::Disk => (scratch.join("store").display().to_string(), Place::Files),
            Backend::Sqlite => (
                format!("sqlite:///{}", scratch.join("store.db").display()),
                Place::Files,
            ),
            Backend::ObjectFile => (
                format!("file://{}", scratch.join("store").display()),
                Place::Files,
            ),
            Backend::S3 => {
                let Some(base) = server_url("METEAUDATA_S3_URL", what)? else {
                    return Ok(None);
                };
                // A fresh prefix; the emulator keeps nothing between runs.
                let (url, query) = base.split_once('?').unwrap_or((&base, ""));
                let sep = if query.is_empty() { "" } else { "?" };
                (
                    format!("{}/{}{sep}{query}", url.trim_end_matches('/'), unique(what)),
                    Place::Files,
                )
            }
            Backend::Postgres => {
                let Some(admin_url) = server_url("METEAUDATA_PG_URL", what)? else {
                    return Ok(None);
                };
                let schema = unique("xt");
                psql(&admin_url, &format!("CREATE SCHEMA {schema}"))?;
                let sep = if admin_url.contains('?') { '&' } else { '?' };
                (
                    format!("{admin_url}{sep}options=-csearch_path%3D{schema}"),
                    Place::PgSchema { admin_url, schema },
                )
            }
            Backend::Mysql => {
                let Some(admin_url) = server_url("METEAUDATA_MYSQL_URL", what)? else {
                    return Ok(None);
                };
                let db = unique("xt");
                mysql(
                    &admin_url,
                    &format!("CREATE DATABASE {db} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
                )?;
                (
                    mysql_url_with_db(&admin_url, &db),
                    Place::MysqlDb { admin_url, db },
                )
            }
        };
        fs::create_dir_all(&scratch)
            .with_context(|| format!("cannot create {}", scratch.display()))?;
        Ok(Some(Store {
            spec,
            scratch,
            place,
        }))
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if std::env::var_os("METEAUDATA_KEEP_STORES").is_some() {
            eprintln!("kept: {} ({})", self.spec, self.scratch.display());
            return;
        }
        let dropped = match &self.place {
            Place::Files => Ok(()),
            Place::PgSchema { admin_url, schema } => psql(
                admin_url,
                &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
            ),
            Place::MysqlDb { admin_url, db } => {
                mysql(admin_url, &format!("DROP DATABASE IF EXISTS {db}"))
            }
        };
        if let Err(e) = dropped {
            eprintln!("warning: cannot drop {}: {e:#}", self.spec);
        }
        let _ = fs::remove_dir_all(&self.scratch);
    }
}

/// Runs one SQL statement with `psql` on the database of a PostgreSQL URL.
fn psql(url: &str, sql: &str) -> Result<()> {
    let out = Command::new("psql")
        .args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .context("cannot run psql (the PostgreSQL client), needed to create a schema per run")?;
    if !out.status.success() {
        bail!(
            "psql {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Runs one SQL statement with the `mariadb` (or `mysql`) client on the server of a MySQL URL.
fn mysql(url: &str, sql: &str) -> Result<()> {
    let rest = url
        .split_once("://")
        .map(|(_, r)| r)
        .with_context(|| format!("{url:?} is not a mysql:// URL"))?;
    let rest = rest.split(['/', '?']).next().unwrap_or("");
    let (auth, host) = rest.rsplit_once('@').unwrap_or(("", rest));
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    let (host, port) = host.split_once(':').unwrap_or((host, "3306"));
    let mut last = None;
    for client in ["mariadb", "mysql"] {
        let mut cmd = Command::new(client);
        cmd.args([
            "-h",
            if host.is_empty() { "127.0.0.1" } else { host },
            "-P",
            port,
        ]);
        if !user.is_empty() {
            cmd.args(["-u", &percent_decode(user)]);
        }
        if !password.is_empty() {
            cmd.env("MYSQL_PWD", percent_decode(password));
        }
        match cmd.args(["-e", sql]).output() {
            Ok(out) if out.status.success() => return Ok(()),
            Ok(out) => bail!(
                "{client} {sql:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => last = Some(e),
        }
    }
    bail!(
        "cannot run the mariadb or mysql client, needed to create a database per run: {}",
        last.map_or_else(String::new, |e| e.to_string())
    )
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `url` naming database `db` instead of its own.
fn mysql_url_with_db(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host = match base[scheme_end..].find('/') {
        Some(i) => &base[..i + scheme_end],
        None => base,
    };
    format!("{host}/{db}{query}")
}

/// What a key holds, as the worker's `observe` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub v: u64,
    pub chunks: Vec<u64>,
}

/// One key of an `observe` listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    Holds(State),
    /// Not something the worker wrote whole; the reason.
    Torn(String),
}

/// Every key of `store`, read back by the worker.
pub fn observe(worker: &Path, store: &Store) -> Result<BTreeMap<String, Seen>> {
    let out = Command::new(worker)
        .args(["observe", &store.spec])
        .output()
        .with_context(|| format!("cannot run {}", worker.display()))?;
    if !out.status.success() {
        bail!(
            "observing {} failed: {}",
            store.spec,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut seen = BTreeMap::new();
    let mut listed = None;
    for line in text.lines() {
        let mut parts = line.splitn(3, ' ');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("key"), Some(key), Some(rest)) => {
                let state = parse_state(rest).with_context(|| format!("bad line {line:?}"))?;
                seen.insert(key.to_string(), Seen::Holds(state));
            }
            (Some("torn"), Some(key), reason) => {
                seen.insert(
                    key.to_string(),
                    Seen::Torn(reason.unwrap_or("").to_string()),
                );
            }
            (Some("listed"), Some(n), None) => listed = n.parse::<usize>().ok(),
            _ => bail!("unexpected line from observe: {line:?}"),
        }
    }
    if listed != Some(seen.len()) {
        bail!("observe printed {} keys but says {listed:?}", seen.len());
    }
    Ok(seen)
}

/// `v=V chunks=C1,C2,…`.
fn parse_state(text: &str) -> Result<State> {
    let (v, chunks) = text.split_once(' ').context("expected `v=V chunks=…`")?;
    let v = v.strip_prefix("v=").context("no v=")?.parse()?;
    let chunks = chunks.strip_prefix("chunks=").context("no chunks=")?;
    let chunks = if chunks.is_empty() {
        Vec::new()
    } else {
        chunks
            .split(',')
            .map(str::parse)
            .collect::<std::result::Result<_, _>>()?
    };
    Ok(State { v, chunks })
}

/// A worker line `ack|begin OP KEY N`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    pub op: String,
    pub key: String,
    pub n: u64,
}

/// The complete lines of a log (a line cut by the kill is dropped).
pub fn complete_lines(path: &Path) -> Result<Vec<String>> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(split_complete(&text))
}

/// The lines of `text` that end with a newline.
fn split_complete(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    lines.pop();
    lines
}

/// Parses `WORD OP KEY N`.
pub fn parse_op(line: &str) -> Option<(String, Op)> {
    let mut p = line.split(' ');
    let (word, op, key, n) = (p.next()?, p.next()?, p.next()?, p.next()?);
    if p.next().is_some() {
        return None;
    }
    Some((
        word.to_string(),
        Op {
            op: op.to_string(),
            key: key.to_string(),
            n: n.parse().ok()?,
        },
    ))
}

/// What a key may hold before or after an operation; `Unknown` (torn before) matches nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    Absent,
    Has(State),
    Unknown,
}

impl Slot {
    fn from_seen(seen: Option<&Seen>) -> Slot {
        match seen {
            None => Slot::Absent,
            Some(Seen::Holds(s)) => Slot::Has(s.clone()),
            Some(Seen::Torn(_)) => Slot::Unknown,
        }
    }

    fn matches(&self, other: &Slot) -> bool {
        *self != Slot::Unknown && self == other
    }

    fn after(&self, op: &Op) -> Slot {
        match op.op.as_str() {
            "save" | "stream" => Slot::Has(State {
                v: op.n,
                chunks: Vec::new(),
            }),
            "append" => match self {
                Slot::Has(s) => {
                    let mut s = s.clone();
                    s.chunks.push(op.n);
                    Slot::Has(s)
                }
                other => other.clone(),
            },
            "delete" => Slot::Absent,
            _ => Slot::Unknown,
        }
    }

    fn show(&self) -> String {
        match self {
            Slot::Absent => "absent".into(),
            Slot::Unknown => "unknown".into(),
            Slot::Has(s) => format!("v={} chunks={:?}", s.v, s.chunks),
        }
    }
}

#[derive(Debug, Default)]
struct Counts {
    acknowledged: u64,
    verified: u64,
    lost: u64,
    torn: u64,
    acked_ops: BTreeMap<String, u64>,
    in_flight: BTreeMap<String, u64>,
}

/// Judges one run: the acknowledged operations and the one in flight, against what `before`
/// held and what `after` holds.
fn judge(
    backend: Backend,
    run: u64,
    lines: &[String],
    before: &BTreeMap<String, Seen>,
    after: &BTreeMap<String, Seen>,
    counts: &mut Counts,
) -> Result<()> {
    let mut acked: BTreeMap<String, Vec<Op>> = BTreeMap::new();
    let mut pending: Option<Op> = None;
    for line in lines {
        if line == "ready" || line == "done" {
            continue;
        }
        if line.starts_with("fail ") {
            bail!("{} run {run}: the worker failed: {line}", backend.name());
        }
        let (word, op) =
            parse_op(line).with_context(|| format!("unexpected worker line {line:?}"))?;
        match word.as_str() {
            "begin" => pending = Some(op),
            "ack" if pending.as_ref() == Some(&op) => {
                pending = None;
                counts.acknowledged += 1;
                *counts.acked_ops.entry(op.op.clone()).or_default() += 1;
                acked.entry(op.key.clone()).or_default().push(op);
            }
            _ => bail!("unexpected worker line {line:?} (in flight: {pending:?})"),
        }
    }
    *counts
        .in_flight
        .entry(pending.as_ref().map_or("nothing".into(), |p| p.op.clone()))
        .or_default() += 1;
    let mut keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.extend(acked.keys());
    if let Some(p) = &pending {
        keys.insert(&p.key);
    }
    for key in keys {
        let ops = acked.get(key).map_or(&[][..], Vec::as_slice);
        let mut history = vec![Slot::from_seen(before.get(key))];
        for op in ops {
            let next = history[history.len() - 1].after(op);
            history.push(next);
        }
        let last = &history[history.len() - 1];
        let in_flight = pending
            .as_ref()
            .filter(|p| &p.key == key)
            .map(|p| last.after(p));
        let observed = Slot::from_seen(after.get(key));
        let m = ops.len() as u64;
        if let Some(Seen::Torn(reason)) = after.get(key) {
            counts.torn += 1;
            counts.lost += m;
            eprintln!("{} run {run}: {key} is torn: {reason}", backend.name());
            continue;
        }
        if last.matches(&observed) || in_flight.as_ref().is_some_and(|f| f.matches(&observed)) {
            counts.verified += m;
            continue;
        }
        let found = history.iter().rposition(|s| s.matches(&observed));
        let lost = match found {
            Some(j) if m > 0 => m - j as u64,
            _ => m.max(1),
        };
        counts.lost += lost;
        counts.verified += m - m.min(lost);
        eprintln!(
            "{} run {run}: {key} holds {} but should hold {}{} ({} acknowledged operations: {:?})",
            backend.name(),
            observed.show(),
            last.show(),
            in_flight.map_or(String::new(), |f| format!(" or {}", f.show())),
            m,
            ops.iter()
                .map(|o| format!("{} {}", o.op, o.n))
                .collect::<Vec<_>>()
        );
    }
    Ok(())
}

/// Waits until `log` has a `ready` line; fails if `child` exits first or after `limit`.
pub fn wait_ready(child: &mut Child, log: &Path, err: &Path, limit: Duration) -> Result<()> {
    let until = Instant::now() + limit;
    loop {
        if fs::read_to_string(log).is_ok_and(|t| t.lines().any(|l| l == "ready")) {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!(
                "the worker exited ({status}) before it was ready: {}",
                fs::read_to_string(err).unwrap_or_default().trim()
            );
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            bail!("the worker was not ready after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// K kills on one backend.
fn crash_backend(bins: &Binaries, backend: Backend, kills: u64, rng: &mut Rng) -> Result<bool> {
    let Some(store) = Store::create(backend, &format!("crash-{}", backend.name()))? else {
        println!("crash: backend={} skipped (no server URL)", backend.name());
        return Ok(true);
    };
    eprintln!("==> crash: {} kills on {}", kills, store.spec);
    let mut counts = Counts::default();
    let mut model = BTreeMap::new();
    for run in 1..=kills {
        let log = store.scratch.join(format!("run{run}.out"));
        let err = store.scratch.join(format!("run{run}.err"));
        let mut child = Command::new(&bins.worker)
            .args(["crash", &store.spec, "--run", &run.to_string(), "--seed"])
            .arg(rng.next().to_string())
            .stdin(Stdio::null())
            .stdout(fs::File::create(&log)?)
            .stderr(fs::File::create(&err)?)
            .spawn()
            .with_context(|| format!("cannot start {}", bins.worker.display()))?;
        wait_ready(&mut child, &log, &err, Duration::from_secs(120))?;
        std::thread::sleep(Duration::from_millis(rng.between(50, 500)));
        if let Some(status) = child.try_wait()? {
            bail!(
                "{} run {run}: the worker exited ({status}) before the kill: {}{}",
                backend.name(),
                fs::read_to_string(&log)
                    .unwrap_or_default()
                    .lines()
                    .last()
                    .unwrap_or(""),
                fs::read_to_string(&err).unwrap_or_default().trim()
            );
        }
        child.kill().context("cannot kill the worker")?; // SIGKILL on Unix
        child.wait()?;
        let lines = complete_lines(&log)?;
        let after = observe(&bins.worker, &store)?;
        judge(backend, run, &lines, &model, &after, &mut counts)?;
        model = after;
    }
    println!(
        "crash: backend={} kills={kills} acknowledged={} verified={} lost={} torn={}",
        backend.name(),
        counts.acknowledged,
        counts.verified,
        counts.lost,
        counts.torn
    );
    let show = |m: &BTreeMap<String, u64>| {
        m.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    eprintln!(
        "    acknowledged: {}; in flight at the kill: {}",
        show(&counts.acked_ops),
        show(&counts.in_flight)
    );
    Ok(counts.lost == 0 && counts.torn == 0 && counts.verified == counts.acknowledged)
}

pub fn run(args: &[String]) -> Result<()> {
    let o = options(args, &["--backend", "--kills", "--seed"])?;
    let backends = Backend::parse_list(o.get("--backend").map_or("all", String::as_str))?;
    let kills: u64 = o
        .get("--kills")
        .map_or(Ok(20), |k| k.parse())
        .context("--kills takes a number")?;
    let mut rng = match o.get("--seed") {
        Some(s) => Rng::new(s.parse().context("--seed takes a number")?),
        None => Rng::from_clock(),
    };
    let bins = build()?;
    let mut failed = Vec::new();
    for b in backends {
        if !crash_backend(&bins, b, kills, &mut rng)? {
            failed.push(b.name());
        }
    }
    if !failed.is_empty() {
        bail!(
            "crash: acknowledged operations lost or torn on {} (details above)",
            failed.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(v: u64, chunks: &[u64]) -> Seen {
        Seen::Holds(State {
            v,
            chunks: chunks.to_vec(),
        })
    }

    fn judged(log: &str, before: &[(&str, Seen)], after: &[(&str, Seen)]) -> Counts {
        let map = |e: &[(&str, Seen)]| -> BTreeMap<String, Seen> {
            e.iter().map(|(k, s)| (k.to_string(), s.clone())).collect()
        };
        let mut c = Counts::default();
        judge(
            Backend::Disk,
            1,
            &split_complete(log),
            &map(before),
            &map(after),
            &mut c,
        )
        .unwrap();
        c
    }

    const LOG: &str = "ready\nbegin save a 5\nack save a 5\nbegin append a 6\nack append a 6\n";

    #[test]
    fn acknowledged_effects_verify() {
        let c = judged(LOG, &[], &[("a", holds(5, &[6]))]);
        assert_eq!((c.acknowledged, c.verified, c.lost, c.torn), (2, 2, 0, 0));
    }

    #[test]
    fn a_missing_append_or_key_is_lost() {
        let c = judged(LOG, &[], &[("a", holds(5, &[]))]);
        assert_eq!((c.verified, c.lost), (1, 1));
        let c = judged(LOG, &[], &[]);
        assert_eq!((c.verified, c.lost), (0, 2));
        // A key verified before that vanishes without an operation.
        let c = judged("ready\n", &[("b", holds(1, &[]))], &[]);
        assert_eq!(c.lost, 1);
        // A deleted key that is still there.
        let c = judged(
            "begin delete b 0\nack delete b 0\n",
            &[("b", holds(1, &[]))],
            &[("b", holds(1, &[]))],
        );
        assert_eq!(c.lost, 1);
    }

    #[test]
    fn the_operation_in_flight_may_or_may_not_have_happened() {
        let log = format!("{LOG}begin append a 7\n");
        for after in [holds(5, &[6]), holds(5, &[6, 7])] {
            let c = judged(&log, &[], &[("a", after)]);
            assert_eq!((c.verified, c.lost, c.torn), (2, 0, 0));
        }
        // A cut `ack` line is not an acknowledgement.
        let c = judged(&format!("{log}ack app"), &[], &[("a", holds(5, &[6]))]);
        assert_eq!((c.acknowledged, c.lost), (2, 0));
        // A state no operation made: nothing acknowledged on the key is verified.
        let c = judged(&log, &[], &[("a", holds(5, &[6, 8]))]);
        assert_eq!((c.verified, c.lost), (0, 2));
    }

    #[test]
    fn torn_keys_are_counted() {
        let c = judged(LOG, &[], &[("a", Seen::Torn("mix".into()))]);
        assert_eq!((c.torn, c.lost, c.verified), (1, 2, 0));
    }
}
