//! The view `meteaudata_points`: one row per stored point, in plain SQL, on every database.
//!
//! Points are stored in blocks whose columns are byte strings in Arrow's layout (see
//! [`crate::blob`]); that keeps saves and loads fast. This module writes, for each database,
//! a view that decodes those bytes with the database's own built-in functions, so no
//! extension, stored function or client library is needed to read a point:
//!
//! * PostgreSQL reads bytes with `get_byte` and computes each point once in a `LATERAL`
//!   subquery (`OFFSET 0` keeps the planner from inlining it);
//! * MySQL/MariaDB read a little-endian word in one step
//!   (`CONV(HEX(REVERSE(SUBSTRING(…))), 16, -10)`);
//! * SQLite has no function that turns bytes into a number, so the view reads the hex text of
//!   each 8-byte word (`hex(substr(…))`) and adds up its digits; each intermediate value is
//!   bound once per point through a one-row `json_each` so that SQLite does not compute it
//!   again for every use. It needs only SQL features of SQLite 3.38 (JSON built in).
//!
//! Floats are rebuilt from their bits exactly: sign × (1 + mantissa / 2⁵²) × 2^(exponent −
//! 1023) (or mantissa / 2⁵² × 2⁻¹⁰²² for subnormal numbers), where the power of two is exact in
//! every database (`power`/`POW` of 2 in PostgreSQL and MySQL; in SQLite a product of the
//! exact factors 2^(2^j) for the bits of the exponent). NaN and ±inf have no place in a SQL
//! `DOUBLE` on every database (SQLite turns NaN into NULL, MySQL has neither), so the view
//! gives them as `value` NULL and `value_text` `nan`, `inf` or `-inf`.
//!
//! The SQL is generated here and written into the migrations
//! (`migrations/*/2026-12-08-000000_points_view/up.sql`); the test `migrations_match` checks
//! that the files are what this module writes (`METEAUDATA_BLESS=1` rewrites them).

/// The databases, for the SQL they understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
    Mysql,
}

/// The positions table holds `0..DIGITS^4` (made from four tables of `DIGITS` digits).
const DIGITS: u32 = 16;

/// 2^52, as a literal every database reads exactly.
const TWO_52: &str = "4503599627370496";

impl Dialect {
    /// The unsigned byte at 0-based offset `off` of byte string `col`.
    fn byte(self, col: &str, off: &str) -> String {
        match self {
            Dialect::Sqlite => {
                let all: String = (0..=255u8).map(|b| format!("{b:02X}")).collect();
                format!("(instr(X'{all}', substr({col}, ({off}) + 1, 1)) - 1)")
            }
            Dialect::Postgres => format!("get_byte({col}, CAST({off} AS integer))"),
            Dialect::Mysql => format!("ORD(SUBSTRING({col}, ({off}) + 1, 1))"),
        }
    }

    /// Integer division of non-negative integers.
    fn div(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Mysql => format!("(({a}) DIV ({b}))"),
            _ => format!("(({a}) / ({b}))"),
        }
    }

    /// `len` bytes of `col` from 0-based offset `start`, as UTF-8 text.
    fn text(self, col: &str, start: &str, len: &str) -> String {
        match self {
            Dialect::Sqlite => format!("CAST(substr({col}, ({start}) + 1, {len}) AS TEXT)"),
            Dialect::Postgres => format!(
                "convert_from(substring({col} from CAST(({start}) + 1 AS integer) for CAST({len} AS integer)), 'UTF8')"
            ),
            Dialect::Mysql => {
                format!("CONVERT(SUBSTRING({col}, ({start}) + 1, {len}) USING utf8mb4)")
            }
        }
    }

    /// Exactly 2^k as a double, for an integer `k` in `-1022..=1023`.
    fn pow2(self, k: &str) -> String {
        match self {
            Dialect::Postgres => format!("power(CAST(2 AS double precision), {k})"),
            Dialect::Mysql => format!("POW(2, {k})"),
            Dialect::Sqlite => {
                // 2^|k| as the product of 2^(2^j) over the bits j of |k|; each factor is
                // written as a product of exact literals (SQLite folds them once).
                let mut factor = vec![
                    "2.0".to_string(),
                    "4.0".into(),
                    "16.0".into(),
                    "256.0".into(),
                    "65536.0".into(),
                    "4294967296.0".into(),
                ];
                for _ in 6..10 {
                    let last = factor.last().cloned().unwrap_or_default();
                    factor.push(format!("({last} * {last})"));
                }
                let abs = format!("abs({k})");
                let product = factor
                    .iter()
                    .enumerate()
                    .map(|(j, f)| format!("(CASE WHEN {abs} & {} THEN {f} ELSE 1.0 END)", 1 << j))
                    .collect::<Vec<_>>()
                    .join(" * ");
                format!("(CASE WHEN ({k}) >= 0 THEN {product} ELSE 1.0 / ({product}) END)")
            }
        }
    }

    fn to_text(self, e: &str) -> String {
        match self {
            Dialect::Mysql => format!("CAST({e} AS CHAR)"),
            _ => format!("CAST({e} AS TEXT)"),
        }
    }

    fn to_double(self, e: &str) -> String {
        match self {
            Dialect::Postgres => format!("CAST({e} AS double precision)"),
            Dialect::Mysql => format!("(({e}) * 1e0)"),
            Dialect::Sqlite => format!("CAST({e} AS REAL)"),
        }
    }

    /// Category `code` of the index or the values (`part`: `index` or `values`) from the
    /// series' layout document.
    fn category(self, part: &str, code: &str) -> String {
        match self {
            Dialect::Sqlite => {
                format!("json_extract(s.layout, '$.{part}.categories[' || ({code}) || ']')")
            }
            Dialect::Postgres => {
                format!("(CAST(s.layout AS json) -> '{part}' -> 'categories' ->> CAST({code} AS integer))")
            }
            Dialect::Mysql => format!(
                "JSON_UNQUOTE(JSON_EXTRACT(s.layout, CONCAT('$.{part}.categories[', {code}, ']')))"
            ),
        }
    }

    /// The signed little-endian 64-bit word at offset `off` of `col` (SQLite: of the hex text
    /// `hex` of those 8 bytes).
    fn word(self, col: &str, off: &str, hex: &str) -> String {
        match self {
            Dialect::Mysql => format!(
                "CAST(CONV(HEX(REVERSE(SUBSTRING({col}, ({off}) + 1, 8))), 16, -10) AS SIGNED)"
            ),
            Dialect::Postgres => {
                let half = |from: u32| {
                    (0..4u32)
                        .map(|k| {
                            let b = self.byte(col, &format!("({off}) + {}", from + k));
                            match k {
                                0 => format!("CAST({b} AS bigint)"),
                                _ => format!("CAST({b} AS bigint) * {}", 1u64 << (8 * k)),
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" + ")
                };
                let hi = format!("({})", half(4));
                format!(
                    "(({hi} - CASE WHEN {} >= 128 THEN 4294967296 ELSE 0 END) * 4294967296 + {})",
                    self.byte(col, &format!("({off}) + 7")),
                    half(0)
                )
            }
            Dialect::Sqlite => {
                // Hex digit d (0-based) of the text: 0..15 ('0' is not found: 0).
                let digit =
                    |d: u32| format!("instr('123456789ABCDEF', substr({hex}, {}, 1))", d + 1);
                // Byte k is digits 2k (high) and 2k+1 (low).
                let half = |from: u32| {
                    (0..4u32)
                        .map(|k| {
                            let byte = from + k;
                            let v = format!("({} * 16 + {})", digit(2 * byte), digit(2 * byte + 1));
                            match k {
                                0 => v,
                                _ => format!("{v} * {}", 1u64 << (8 * k)),
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" + ")
                };
                format!(
                    "((({}) - ({} >= 8) * 4294967296) * 4294967296 + ({}))",
                    half(4),
                    digit(14),
                    half(0)
                )
            }
        }
    }
}

/// The SQL expressions of one point column (`t`/`label` for the index, `v`/`vi`/`vs` for
/// the values), given the names the view binds them to.
struct Column<'a> {
    /// The byte string (`COALESCE` of the block columns that can hold it).
    col: &'a str,
}

impl Column<'_> {
    /// 1 when a validity bitmap follows the header, else 0.
    fn flag(&self, d: Dialect) -> String {
        d.byte(self.col, "1")
    }

    /// 1 for a text column (tag `s`), else 0.
    fn is_text(&self, d: Dialect) -> String {
        format!(
            "(CASE WHEN {} = 115 THEN 1 ELSE 0 END)",
            d.byte(self.col, "0")
        )
    }
}

/// Everything the outer query needs about one column of a point, as names bound per point.
struct Bound {
    /// 1 when the entry is not NULL.
    valid: String,
    /// The signed 64-bit word at the entry (two `u32` text offsets for a text column).
    word: String,
    /// Offset of the first text byte (text columns).
    text0: String,
}

/// The expressions over a bound word `w` (the word itself is the signed 64-bit integer).
fn lo32(w: &str) -> String {
    format!("(({w}) & 4294967295)")
}

fn hi32(w: &str) -> String {
    format!("((({w}) >> 32) & 4294967295)")
}

fn exponent(w: &str) -> String {
    format!("((({w}) >> 52) & 2047)")
}

fn mantissa(w: &str) -> String {
    format!("(({w}) & 4503599627370495)")
}

/// The finite double a word holds, NULL for NaN and ±inf.
fn float64(d: Dialect, w: &str) -> String {
    let e = exponent(w);
    let m = d.to_double(&mantissa(w));
    let frac = format!("({m} / {TWO_52}.0)");
    let (one, minus) = match d {
        Dialect::Mysql => ("1e0", "-1e0"),
        _ => ("1.0", "-1.0"),
    };
    let e_signed = match d {
        Dialect::Mysql => format!("CAST({e} AS SIGNED)"),
        _ => e.clone(),
    };
    let magnitude = format!(
        "(CASE WHEN {e} = 0 THEN {frac} / {p1022} ELSE ({one} + {frac}) * {p} END)",
        p1022 = d.pow2("1022"),
        p = d.pow2(&format!("{e_signed} - 1023")),
    );
    format!(
        "(CASE WHEN {e} = 2047 THEN NULL WHEN ({w}) < 0 THEN {minus} * {magnitude} ELSE {magnitude} END)"
    )
}

/// `nan`, `inf` or `-inf` for a word holding one of them, else NULL.
fn special(w: &str) -> String {
    format!(
        "(CASE WHEN {e} = 2047 THEN (CASE WHEN {m} <> 0 THEN 'nan' WHEN ({w}) < 0 THEN '-inf' ELSE 'inf' END) END)",
        e = exponent(w),
        m = mantissa(w)
    )
}

/// The column list of the view, from the bound names of the index (`i`) and value (`v`)
/// columns.
fn select_list(d: Dialect, i: &Bound, v: &Bound, ic: &str, vc: &str) -> String {
    let pos = "(b.pos0 + p.i)";
    let iw = &i.word;
    let vw = &v.word;
    let ivalid = format!("({} = 1)", i.valid);
    let vvalid = format!("({} = 1)", v.valid);
    let label_text = d.text(
        ic,
        &format!("{} + {}", i.text0, lo32(iw)),
        &format!("{} - {}", hi32(iw), lo32(iw)),
    );
    let value_text = d.text(
        vc,
        &format!("{} + {}", v.text0, lo32(vw)),
        &format!("{} - {}", hi32(vw), lo32(vw)),
    );
    let ints = "('int64', 'Int64', 'int32', 'Int32', 'bool', 'boolean')";
    let int_text = d.to_text(iw);
    let float_label = d.to_text(&float64(d, iw));
    format!(
        "    s.series_key AS {k},
    {pos} AS pos,
    CASE WHEN s.index_kind = 'datetime' AND {ivalid} THEN {t} END AS t,
    CASE WHEN NOT {ivalid} THEN NULL
        WHEN s.index_kind IN ('string', 'period') THEN {label_text}
        WHEN s.index_kind = 'categorical' THEN {icat}
        WHEN s.index_kind = 'float' THEN {float_label}
        WHEN s.index_kind IN ('int', 'range', 'timedelta') THEN {int_text}
    END AS label,
    CASE WHEN NOT {vvalid} THEN NULL
        WHEN b.v IS NOT NULL THEN {vfloat}
        WHEN s.values_dtype IN {ints} THEN {vdouble}
    END AS value,
    CASE WHEN NOT {vvalid} THEN NULL
        WHEN b.vi IS NOT NULL AND (s.values_dtype IN {ints} OR s.values_dtype LIKE 'datetime64%') THEN {vint}
    END AS value_int,
    CASE WHEN NOT {vvalid} THEN NULL
        WHEN b.v IS NOT NULL THEN {vspecial}
        WHEN b.vs IS NOT NULL THEN {value_text}
        WHEN s.values_dtype = 'category' THEN {vcat}
    END AS value_text,
    b.t_min AS block_t_min,
    b.t_max AS block_t_max",
        k = match d {
            Dialect::Mysql => "`key`",
            _ => "\"key\"",
        },
        t = iw,
        icat = d.category("index", iw),
        vfloat = float64(d, vw),
        vdouble = d.to_double(vw),
        vint = vw,
        vspecial = special(vw),
        vcat = d.category("values", vw),
    )
}

/// The bound names of a column, and the expressions binding them in the order given
/// (`name`, `expression`); the view joins them as the dialect allows.
fn column_bindings(d: Dialect, c: &Column<'_>, prefix: &str) -> (Bound, Vec<(String, String)>) {
    let meta = format!("{prefix}_meta");
    let hex = format!("{prefix}_hex");
    let word = format!("{prefix}_word");
    let valid = format!("{prefix}_valid");
    // meta = flag + 2 × is_text: one binding instead of two.
    let meta_expr = format!("({} + 2 * {})", c.flag(d), c.is_text(d));
    let flag = format!("({meta} & 1)");
    let text = format!("(({meta} >> 1) & 1)");
    let base = format!("(6 + {flag} * {})", d.div("b.n_points + 7", "8"));
    let slot = format!("({base} + p.i * (8 - 4 * {text}))");
    let bit = d.byte(c.col, &format!("6 + {}", d.div("p.i", "8")));
    let shift = match d {
        Dialect::Postgres => "CAST(p.i % 8 AS integer)",
        _ => "(p.i % 8)",
    };
    let valid_expr = format!("(CASE WHEN {flag} = 0 THEN 1 ELSE ({bit} >> {shift}) & 1 END)");
    let text0 = format!("({base} + 4 * (b.n_points + 1))");
    let mut binds = vec![(meta.clone(), meta_expr)];
    let word_expr = match d {
        Dialect::Sqlite => {
            binds.push((
                hex.clone(),
                format!("hex(substr({}, {slot} + 1, 8))", c.col),
            ));
            d.word(c.col, &slot, &hex)
        }
        _ => d.word(c.col, &slot, ""),
    };
    binds.push((valid.clone(), valid_expr));
    binds.push((word.clone(), word_expr));
    (Bound { valid, word, text0 }, binds)
}

/// The statement creating the view on database `d`.
pub(crate) fn create_view(d: Dialect) -> String {
    // PostgreSQL: the block's columns are detoasted (decompressed) once per block (`|| ''`
    // makes a plain copy), not once per byte read.
    let (ic, vc) = match d {
        Dialect::Postgres => ("blk.ic", "blk.vc"),
        _ => ("COALESCE(b.t, b.label)", "COALESCE(b.v, b.vi, b.vs)"),
    };
    let (i, ib) = column_bindings(d, &Column { col: ic }, "i");
    let (v, vb) = column_bindings(d, &Column { col: vc }, "v");
    let blocks = "FROM meteaudata_series s
JOIN meteaudata_blocks b ON b.series_id = s.blocks_id";
    let positions = "\nJOIN meteaudata_positions p ON p.i < b.n_points";
    match d {
        Dialect::Sqlite => {
            // Each binding is a one-row json_each over a JSON scalar (a quoted text or a
            // number), whose `value` the later expressions read. The meta bindings depend on
            // the block only and come before the positions.
            let qualify = |name: &str| format!("{name}.value");
            let mut block_joins = String::new();
            let mut point_joins = String::new();
            let mut names: Vec<(String, String)> = Vec::new();
            for (name, expr) in ib.iter().chain(vb.iter()) {
                let mut expr = expr.clone();
                for (n, q) in &names {
                    expr = replace_name(&expr, n, q);
                }
                let arg = if name.ends_with("_hex") {
                    format!("json_quote({expr})")
                } else {
                    format!("COALESCE({expr}, 0)")
                };
                let joins = if name.ends_with("_meta") {
                    &mut block_joins
                } else {
                    &mut point_joins
                };
                joins.push_str(&format!("\nJOIN json_each({arg}) AS {name}"));
                names.push((name.clone(), qualify(name)));
            }
            let mut list = select_list(d, &i, &v, ic, vc);
            for (n, q) in &names {
                list = replace_name(&list, n, q);
            }
            format!(
                "CREATE VIEW meteaudata_points AS\nSELECT\n{list}\n{blocks}{block_joins}{positions}{point_joins};\n"
            )
        }
        Dialect::Postgres => {
            // LATERAL subqueries, per block then per point; OFFSET 0 keeps each from being
            // inlined into its uses (which would compute it again for each).
            let per_block = format!(
                "\nCROSS JOIN LATERAL (SELECT COALESCE(b.t, b.label) || ''::bytea AS ic, COALESCE(b.v, b.vi, b.vs) || ''::bytea AS vc OFFSET 0) AS blk\nCROSS JOIN LATERAL (SELECT {} AS {}, {} AS {} OFFSET 0) AS meta",
                ib[0].1, ib[0].0, vb[0].1, vb[0].0
            );
            let per_point = ib[1..]
                .iter()
                .chain(vb[1..].iter())
                .map(|(n, e)| format!("{e} AS {n}"))
                .collect::<Vec<_>>()
                .join(",\n    ");
            let list = select_list(d, &i, &v, ic, vc);
            format!(
                "CREATE VIEW meteaudata_points AS\nSELECT\n{list}\n{blocks}{per_block}{positions}\nCROSS JOIN LATERAL (SELECT {per_point} OFFSET 0) AS w;\n"
            )
        }
        Dialect::Mysql => {
            // No LATERAL in MariaDB: the bindings are written out where they are used.
            let mut list = select_list(d, &i, &v, ic, vc);
            for (n, e) in ib.iter().chain(vb.iter()).rev() {
                list = replace_name(&list, n, &format!("({e})"));
            }
            format!("CREATE VIEW meteaudata_points AS\nSELECT\n{list}\n{blocks}{positions};\n")
        }
    }
}

/// `text` with every whole-word use of `name` replaced by `with`.
fn replace_name(text: &str, name: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().last();
        let after = rest[at + name.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        out.push_str(&rest[..at]);
        if word(before) || word(after) {
            out.push_str(name);
        } else {
            out.push_str(with);
        }
        rest = &rest[at + name.len()..];
    }
    out.push_str(rest);
    out
}

/// The statements creating the positions table `0..DIGITS^4` (from the cross product of
/// four tables of 16 digits, which every database runs).
pub(crate) fn create_positions(d: Dialect) -> String {
    let int = match d {
        Dialect::Sqlite => "INTEGER",
        _ => "BIGINT",
    };
    let engine = match d {
        Dialect::Mysql => " ENGINE = InnoDB",
        _ => "",
    };
    let digits = (0..DIGITS)
        .map(|k| format!("SELECT {k} AS d"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    format!(
        "CREATE TABLE meteaudata_positions (i {int} NOT NULL PRIMARY KEY){engine};
INSERT INTO meteaudata_positions (i)
SELECT a.d + {d1} * b.d + {d2} * c.d + {d3} * e.d
FROM ({digits}) AS a
CROSS JOIN ({digits}) AS b
CROSS JOIN ({digits}) AS c
CROSS JOIN ({digits}) AS e;
",
        d1 = DIGITS,
        d2 = DIGITS.pow(2),
        d3 = DIGITS.pow(3),
    )
}

/// The whole `up.sql` of the migration for database `d`.
pub(crate) fn migration(d: Dialect) -> String {
    format!(
        "-- Plain-SQL access to every point (issue 20): meteaudata_points has one row per stored point of
-- the current version of each key. Generated by meteaudata-storage-sql/src/points_view.rs
-- (the test points_view::tests::migrations_match keeps this file equal to it).
DROP VIEW IF EXISTS meteaudata_points;
DROP TABLE IF EXISTS meteaudata_positions;
{}{}",
        create_positions(d),
        create_view(d)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(d: Dialect) -> std::path::PathBuf {
        let dir = match d {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
        };
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir)
            .join("2026-12-08-000000_points_view")
            .join("up.sql")
    }

    #[test]
    fn migrations_match() {
        for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            let want = migration(d);
            let p = path(d);
            if std::env::var_os("METEAUDATA_BLESS").is_some() {
                std::fs::write(&p, &want).unwrap();
            }
            let have = std::fs::read_to_string(&p).unwrap_or_default();
            assert!(
                have == want,
                "{} is not what points_view.rs writes; run METEAUDATA_BLESS=1 cargo test -p meteaudata-storage-sql --all-features points_view",
                p.display()
            );
        }
    }

    #[test]
    fn positions_cover_the_largest_stored_block() {
        assert_eq!(
            DIGITS.pow(4) as usize,
            crate::block::MAX_STORED_BLOCK_POINTS
        );
    }

    #[test]
    fn names_are_replaced_as_whole_words() {
        assert_eq!(
            replace_name("i_word + i_word2 + x.i_word", "i_word", "W"),
            "W + i_word2 + x.i_word"
        );
    }
}
