//! Typed, lossless parameters of a processing step.

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

use crate::tz::{TimeZone, Timestamp};

/// One parameter value. Every variant round-trips exactly through YAML and JSON.
///
/// Plain values (null, bool, int, float, string, list, map) are written as plain YAML/JSON, so
/// Python reads them as the same values. Values plain data cannot hold are written as marker
/// mappings that Python reads as ordinary dicts:
///
/// | value | written as |
/// |---|---|
/// | n-d array | `{__numpy_array__: true, data: <nested lists>, dtype: <str>, shape: [..]}` (upstream's marker, `shape` as a list) |
/// | datetime | `{__datetime__: "<ISO with offset>", time_zone: <zone or null>}` |
/// | duration | `{__timedelta__: <nanoseconds>}` |
/// | NaN / ±infinity | `{__float__: "nan" \| "inf" \| "-inf"}` (JSON has no such numbers) |
///
/// Reading also accepts Python's YAML tags (`!!python/tuple` becomes a list).
///
/// ```
/// use meteaudata_core::ParameterValue;
/// let v = ParameterValue::from(vec![1.5, f64::NAN]);
/// let yaml = serde_yaml::to_string(&v).unwrap();
/// let back: ParameterValue = serde_yaml::from_str(&yaml).unwrap();
/// assert_eq!(back, v);
/// ```
#[derive(Debug, Clone)]
pub enum ParameterValue {
    /// `None` / `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float (NaN and infinities allowed).
    Float(f64),
    /// A string.
    String(String),
    /// A date-time with nanosecond precision and optional zone.
    DateTime(Timestamp),
    /// A duration in nanoseconds.
    Duration(i64),
    /// A list.
    List(Vec<ParameterValue>),
    /// A mapping with string keys.
    Map(BTreeMap<String, ParameterValue>),
    /// An n-dimensional array (numpy-style).
    Array(NdArray),
}

/// An n-dimensional array stored flat in row-major order.
#[derive(Debug, Clone, PartialEq)]
pub struct NdArray {
    /// numpy dtype string (`float64`, `int64`, ...).
    pub dtype: String,
    /// Dimensions.
    pub shape: Vec<usize>,
    /// Elements, row-major; `shape.iter().product()` of them.
    pub data: Vec<ParameterValue>,
}

impl PartialEq for ParameterValue {
    fn eq(&self, other: &Self) -> bool {
        use ParameterValue::*;
        match (self, other) {
            (Null, Null) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits(),
            (String(a), String(b)) => a == b,
            (DateTime(a), DateTime(b)) => a == b,
            (Duration(a), Duration(b)) => a == b,
            (List(a), List(b)) => a == b,
            (Map(a), Map(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            _ => false,
        }
    }
}

macro_rules! from_impl {
    ($($t:ty => $v:ident as $c:ty),*) => {$(
        impl From<$t> for ParameterValue {
            fn from(x: $t) -> Self { ParameterValue::$v(x as $c) }
        }
    )*};
}
from_impl!(bool => Bool as bool, i64 => Int as i64, i32 => Int as i64, u32 => Int as i64,
    u8 => Int as i64, f64 => Float as f64, f32 => Float as f64);

impl From<usize> for ParameterValue {
    fn from(x: usize) -> Self {
        i64::try_from(x).map_or(ParameterValue::Float(x as f64), ParameterValue::Int)
    }
}
impl From<&str> for ParameterValue {
    fn from(x: &str) -> Self {
        ParameterValue::String(x.to_string())
    }
}
impl From<String> for ParameterValue {
    fn from(x: String) -> Self {
        ParameterValue::String(x)
    }
}
impl From<Timestamp> for ParameterValue {
    fn from(x: Timestamp) -> Self {
        ParameterValue::DateTime(x)
    }
}
impl From<chrono::TimeDelta> for ParameterValue {
    fn from(x: chrono::TimeDelta) -> Self {
        ParameterValue::Duration(x.num_nanoseconds().unwrap_or(i64::MAX))
    }
}
impl<T: Into<ParameterValue>> From<Option<T>> for ParameterValue {
    fn from(x: Option<T>) -> Self {
        x.map_or(ParameterValue::Null, Into::into)
    }
}
impl<T: Into<ParameterValue>> From<Vec<T>> for ParameterValue {
    fn from(x: Vec<T>) -> Self {
        ParameterValue::List(x.into_iter().map(Into::into).collect())
    }
}
impl From<NdArray> for ParameterValue {
    fn from(x: NdArray) -> Self {
        ParameterValue::Array(x)
    }
}

impl ParameterValue {
    /// The string, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ParameterValue::String(s) => Some(s),
            _ => None,
        }
    }
    /// The number as `f64`, when this is an int or a float.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ParameterValue::Int(i) => Some(*i as f64),
            ParameterValue::Float(f) => Some(*f),
            _ => None,
        }
    }
    /// The integer, when this is an int.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            ParameterValue::Int(i) => Some(*i),
            _ => None,
        }
    }
    /// The boolean, when this is a bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            ParameterValue::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

impl fmt::Display for ParameterValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParameterValue::Null => f.write_str("null"),
            ParameterValue::Bool(b) => write!(f, "{b}"),
            ParameterValue::Int(i) => write!(f, "{i}"),
            ParameterValue::Float(x) => write!(f, "{x:?}"),
            ParameterValue::String(s) => f.write_str(s),
            ParameterValue::DateTime(t) => f.write_str(&t.to_iso()),
            ParameterValue::Duration(n) => write!(f, "{}", chrono::TimeDelta::nanoseconds(*n)),
            ParameterValue::List(l) => {
                f.write_str("[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            ParameterValue::Map(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            ParameterValue::Array(a) => write!(f, "array({:?}, shape={:?})", a.dtype, a.shape),
        }
    }
}

// ---------- serialisation ----------

const ARRAY_MARK: &str = "__numpy_array__";
const DATETIME_MARK: &str = "__datetime__";
const DURATION_MARK: &str = "__timedelta__";
const FLOAT_MARK: &str = "__float__";

struct Nested<'a> {
    shape: &'a [usize],
    data: &'a [ParameterValue],
}

impl Serialize for Nested<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.shape.split_first() {
            None => self
                .data
                .first()
                .unwrap_or(&ParameterValue::Null)
                .serialize(s),
            Some((&n, rest)) => {
                let stride: usize = rest.iter().product();
                let mut seq = s.serialize_seq(Some(n))?;
                for i in 0..n {
                    let lo = (i * stride).min(self.data.len());
                    let hi = ((i + 1) * stride).min(self.data.len());
                    seq.serialize_element(&Nested {
                        shape: rest,
                        data: &self.data[lo..hi],
                    })?;
                }
                seq.end()
            }
        }
    }
}

impl Serialize for ParameterValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ParameterValue::Null => s.serialize_unit(),
            ParameterValue::Bool(b) => s.serialize_bool(*b),
            ParameterValue::Int(i) => s.serialize_i64(*i),
            ParameterValue::Float(x) if x.is_finite() => s.serialize_f64(*x),
            ParameterValue::Float(x) => {
                let text = if x.is_nan() {
                    "nan"
                } else if *x > 0.0 {
                    "inf"
                } else {
                    "-inf"
                };
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(FLOAT_MARK, text)?;
                m.end()
            }
            ParameterValue::String(t) => s.serialize_str(t),
            ParameterValue::DateTime(t) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry(DATETIME_MARK, &t.to_iso())?;
                m.serialize_entry("time_zone", &t.tz.map(|z| z.to_string()))?;
                m.end()
            }
            ParameterValue::Duration(n) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(DURATION_MARK, n)?;
                m.end()
            }
            ParameterValue::List(l) => l.serialize(s),
            ParameterValue::Map(map) => map.serialize(s),
            ParameterValue::Array(a) => {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry(ARRAY_MARK, &true)?;
                m.serialize_entry(
                    "data",
                    &Nested {
                        shape: &a.shape,
                        data: &a.data,
                    },
                )?;
                m.serialize_entry("dtype", &a.dtype)?;
                m.serialize_entry("shape", &a.shape)?;
                m.end()
            }
        }
    }
}

/// A map key: YAML allows non-string keys (ints, bools); they are kept as their text.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(if v { "True" } else { "False" }.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Key, E> {
                Ok(Key("None".to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = ParameterValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a parameter value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<ParameterValue, E> {
        Ok(ParameterValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<ParameterValue, E> {
        Ok(ParameterValue::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<ParameterValue, E> {
        Ok(i64::try_from(v).map_or(ParameterValue::Float(v as f64), ParameterValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<ParameterValue, E> {
        Ok(ParameterValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<ParameterValue, E> {
        Ok(ParameterValue::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<ParameterValue, E> {
        Ok(ParameterValue::String(v))
    }
    fn visit_unit<E>(self) -> Result<ParameterValue, E> {
        Ok(ParameterValue::Null)
    }
    fn visit_none<E>(self) -> Result<ParameterValue, E> {
        Ok(ParameterValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<ParameterValue, D::Error> {
        ParameterValue::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ParameterValue, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<ParameterValue>()? {
            out.push(v);
        }
        Ok(ParameterValue::List(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ParameterValue, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((Key(k), v)) = map.next_entry::<Key, ParameterValue>()? {
            out.insert(k, v);
        }
        decode_marker(out).map_err(de::Error::custom)
    }
    /// YAML tags (`!!python/tuple [...]`) arrive as enums: keep the tagged content.
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<ParameterValue, A::Error> {
        use de::VariantAccess;
        let (_tag, variant): (Key, _) = data.variant()?;
        variant.newtype_variant::<ParameterValue>()
    }
}

fn flatten_nested(
    value: ParameterValue,
    depth: usize,
    shape: &[usize],
    out: &mut Vec<ParameterValue>,
) -> Result<(), String> {
    if depth == shape.len() {
        out.push(value);
        return Ok(());
    }
    match value {
        ParameterValue::List(items) if items.len() == shape[depth] => {
            for item in items {
                flatten_nested(item, depth + 1, shape, out)?;
            }
            Ok(())
        }
        _ => Err(format!("array data does not match its shape {shape:?}")),
    }
}

fn shape_of(v: &ParameterValue) -> Result<Vec<usize>, String> {
    match v {
        ParameterValue::List(items) => items
            .iter()
            .map(|x| x.as_i64().and_then(|n| usize::try_from(n).ok()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| "array shape must be a list of non-negative integers".to_string()),
        _ => Err("array shape must be a list".to_string()),
    }
}

fn decode_marker(mut m: BTreeMap<String, ParameterValue>) -> Result<ParameterValue, String> {
    if m.len() == 4 && matches!(m.get(ARRAY_MARK), Some(ParameterValue::Bool(true))) {
        let shape = shape_of(m.get("shape").ok_or("array without shape")?)?;
        let dtype = m
            .get("dtype")
            .and_then(|d| d.as_str())
            .ok_or("array without dtype")?
            .to_string();
        let data = m.remove("data").ok_or("array without data")?;
        let mut flat = Vec::new();
        flatten_nested(data, 0, &shape, &mut flat)?;
        return Ok(ParameterValue::Array(NdArray {
            dtype,
            shape,
            data: flat,
        }));
    }
    if m.len() == 1 {
        if let Some(ParameterValue::Int(n)) = m.get(DURATION_MARK) {
            return Ok(ParameterValue::Duration(*n));
        }
        if let Some(ParameterValue::String(t)) = m.get(FLOAT_MARK) {
            return match t.as_str() {
                "nan" => Ok(ParameterValue::Float(f64::NAN)),
                "inf" => Ok(ParameterValue::Float(f64::INFINITY)),
                "-inf" => Ok(ParameterValue::Float(f64::NEG_INFINITY)),
                other => Err(format!("unknown float marker {other:?}")),
            };
        }
    }
    if m.len() == 2 {
        if let (Some(ParameterValue::String(iso)), Some(zone)) =
            (m.get(DATETIME_MARK), m.get("time_zone"))
        {
            let tz = match zone {
                ParameterValue::Null => None,
                ParameterValue::String(z) => {
                    Some(z.parse::<TimeZone>().map_err(|e| e.to_string())?)
                }
                _ => return Err("time_zone must be a string or null".into()),
            };
            let ts = Timestamp::parse(iso, tz).map_err(|e| e.to_string())?;
            return Ok(ParameterValue::DateTime(ts));
        }
    }
    Ok(ParameterValue::Map(m))
}

impl<'de> Deserialize<'de> for ParameterValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

/// The parameters of a processing step: an open record of named [`ParameterValue`]s.
///
/// Serialised as a flat mapping (sorted by key, as Python's YAML writer does). A step with no
/// parameters at all has `parameters: null`; an empty record is `{}` — the two are kept apart.
///
/// ```
/// use meteaudata_core::Parameters;
/// let p = Parameters::new().with("frequency", "2h").with("window", 3);
/// assert_eq!(p.get("frequency").and_then(|v| v.as_str()), Some("2h"));
/// assert_eq!(serde_yaml::to_string(&p).unwrap(), "frequency: 2h\nwindow: 3\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Parameters(BTreeMap<String, ParameterValue>);

impl Parameters {
    /// An empty record.
    pub fn new() -> Self {
        Parameters(BTreeMap::new())
    }
    /// Adds (or replaces) a parameter, builder style.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<ParameterValue>) -> Self {
        self.0.insert(key.into(), value.into());
        self
    }
    /// Adds (or replaces) a parameter.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<ParameterValue>) {
        self.0.insert(key.into(), value.into());
    }
    /// The value of a parameter.
    pub fn get(&self, key: &str) -> Option<&ParameterValue> {
        self.0.get(key)
    }
    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The parameters in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &ParameterValue)> {
        self.0.iter()
    }
}

impl FromIterator<(String, ParameterValue)> for Parameters {
    fn from_iter<T: IntoIterator<Item = (String, ParameterValue)>>(iter: T) -> Self {
        Parameters(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_tuple_tag_reads_as_list() {
        let v: ParameterValue = serde_yaml::from_str("!!python/tuple\n- 1\n- 2\n").unwrap();
        assert_eq!(v, ParameterValue::from(vec![1i64, 2]));
        let arr = "__numpy_array__: true\ndata:\n- - 1.0\n  - 2.0\ndtype: float64\nshape: !!python/tuple\n- 1\n- 2\n";
        let v: ParameterValue = serde_yaml::from_str(arr).unwrap();
        assert_eq!(
            v,
            ParameterValue::Array(NdArray {
                dtype: "float64".into(),
                shape: vec![1, 2],
                data: vec![1.0.into(), 2.0.into()],
            })
        );
    }

    #[test]
    fn python_yaml_nan_and_timestamps() {
        let v: ParameterValue = serde_yaml::from_str(".nan").unwrap();
        assert!(matches!(v, ParameterValue::Float(x) if x.is_nan()));
        // An unquoted YAML timestamp written by PyYAML reads as its text.
        let v: ParameterValue = serde_yaml::from_str("2024-01-01 00:00:00").unwrap();
        assert_eq!(v, ParameterValue::from("2024-01-01 00:00:00"));
    }

    #[test]
    fn markers_round_trip_in_json() {
        let ts = Timestamp::parse(
            "2024-03-10T03:00:00-04:00",
            Some("America/Toronto".parse().unwrap()),
        )
        .unwrap();
        for v in [
            ParameterValue::Float(f64::INFINITY),
            ParameterValue::DateTime(ts),
            ParameterValue::DateTime(Timestamp::parse("2024-01-01T00:00:00.5", None).unwrap()),
            ParameterValue::Duration(-30_000_000_001),
        ] {
            let j = serde_json::to_string(&v).unwrap();
            let back: ParameterValue = serde_json::from_str(&j).unwrap();
            assert_eq!(back, v, "{j}");
        }
    }

    #[test]
    fn mismatched_array_shape_is_an_error() {
        let bad = r#"{"__numpy_array__": true, "data": [1, 2, 3], "dtype": "int64", "shape": [2]}"#;
        assert!(serde_json::from_str::<ParameterValue>(bad).is_err());
    }
}
