//! Object-store URLs: which store, where in it, and how to name it in messages.
//!
//! | URL | store | feature |
//! |---|---|---|
//! | `s3://bucket/prefix` | Amazon S3 or an S3-protocol server | `s3` |
//! | `az://container/prefix`, `azure://…`, `abfs://container@account.dfs.core.windows.net/prefix` | Azure Blob Storage | `azure` |
//! | `gs://bucket/prefix` | Google Cloud Storage | `gcs` |
//! | `file:///absolute/path` | a local directory (created if missing) | always |
//! | `memory://` (or `memory:///prefix`) | in this process only | always |
//!
//! Credentials, regions and endpoints come from the usual environment variables
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL`,
//! `AWS_ALLOW_HTTP`, `AZURE_STORAGE_ACCOUNT_NAME`, `AZURE_STORAGE_ACCOUNT_KEY`,
//! `AZURE_STORAGE_USE_EMULATOR`, `GOOGLE_SERVICE_ACCOUNT`, …: whatever `object_store`'s
//! builders read `from_env`), then from the URL's query (`s3://b/p?endpoint=http://127.0.0.1:9000&allow_http=true`)
//! and the options given to [`ObjectBackend::with_options`](crate::ObjectBackend::with_options),
//! later ones winning. The query and any user information never appear in messages.

use std::sync::Arc;

use meteaudata_core::{Error, Result};
use object_store::path::Path;
use object_store::ObjectStore;

/// A parsed URL: the store, the prefix inside it, and the URL as messages show it.
pub(crate) struct Location {
    pub store: Arc<dyn ObjectStore>,
    pub prefix: Path,
    /// `scheme://host/path`: no user information, no query.
    pub shown: String,
    /// How saves that keep versions are isolated from each other on this store.
    pub isolation: Isolation,
}

/// How two processes saving one key at once are kept from losing a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Isolation {
    /// The store replaces an object only if it is still the version read
    /// (`PutMode::Update`: memory, S3 with conditional puts, Azure, GCS).
    Conditional,
    /// A local directory (`file://`, which has no conditional replacement): a lock file per
    /// key in this directory, the disk backend's own (`.meteaudata-lock-<hash>`).
    Locked(std::path::PathBuf),
    /// Neither: saves keep no versions.
    None,
}

fn invalid(url: &str, why: impl std::fmt::Display) -> Error {
    Error::invalid_input(format!("object-store URL {}: {why}", redact(url)))
}

/// `url` without user information and query (where credentials could be).
pub(crate) fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            u.set_query(None);
            u.set_fragment(None);
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => url
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .rsplit('@')
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// Text from a store's error with any URL query cut off (signatures of pre-signed URLs).
pub(crate) fn redact_text(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains("://") {
                word.split('?').next().unwrap_or_default().to_string()
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(not(all(feature = "s3", feature = "azure", feature = "gcs")))]
fn not_compiled(url: &str, feature: &str) -> Error {
    Error::Unsupported(format!(
        "{}: this build has no {feature} support: enable the `{feature}` feature",
        redact(url)
    ))
}

/// The prefix of a URL's path (`/a/b/` → `a/b`).
fn prefix_of(url: &str, path: &str) -> Result<Path> {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        return Ok(Path::default());
    }
    Path::from_url_path(trimmed).map_err(|e| invalid(url, e))
}

/// Parses `url` and builds its store, with `options` after those of the environment and the
/// URL's query.
pub(crate) fn open(url: &str, options: &[(String, String)]) -> Result<Location> {
    let parsed = url::Url::parse(url).map_err(|e| invalid(url, e))?;
    let mut opts: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    opts.extend(options.iter().cloned());
    let shown = redact(url);
    let scheme = parsed.scheme().to_ascii_lowercase();
    let (store, prefix, isolation): (Arc<dyn ObjectStore>, Path, Isolation) = match scheme.as_str()
    {
        "memory" => (
            Arc::new(object_store::memory::InMemory::new()),
            prefix_of(
                url,
                &format!("{}{}", parsed.host_str().unwrap_or(""), parsed.path()),
            )?,
            Isolation::Conditional,
        ),
        "file" => {
            let dir = parsed
                .to_file_path()
                .map_err(|()| invalid(url, "not an absolute local path"))?;
            std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            // Folders left empty by deletes go (the archived versions of a deleted key).
            let fs = object_store::local::LocalFileSystem::new_with_prefix(&dir)
                .map_err(|e| invalid(url, e))?
                .with_automatic_cleanup(true);
            (Arc::new(fs), Path::default(), Isolation::Locked(dir))
        }
        "s3" | "s3a" => s3(url, &parsed, &opts)?,
        "az" | "azure" | "abfs" | "abfss" | "adl" => azure(url, &parsed, &opts)?,
        "gs" => gcs(url, &parsed, &opts)?,
        other => {
            return Err(invalid(
                url,
                format!(
                "unknown scheme {other:?}: use s3://, az://, abfs://, gs://, file:// or memory://"
            ),
            ))
        }
    };
    Ok(Location {
        store,
        prefix,
        shown,
        isolation,
    })
}

#[cfg(feature = "s3")]
fn s3(
    url: &str,
    parsed: &url::Url,
    opts: &[(String, String)],
) -> Result<(Arc<dyn ObjectStore>, Path, Isolation)> {
    use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
    let mut b = AmazonS3Builder::from_env().with_url(redact(url));
    // Creates of series larger than one PUT copy a temporary object into place only if the
    // name is free: with S3's conditional CompleteMultipartUpload (`If-None-Match`), unless
    // the environment or the options choose another way.
    let chosen = std::env::var_os("AWS_COPY_IF_NOT_EXISTS").is_some()
        || opts.iter().any(|(k, _)| {
            k.parse::<AmazonS3ConfigKey>().ok() == Some(AmazonS3ConfigKey::CopyIfNotExists)
        });
    if !chosen {
        b = b.with_config(AmazonS3ConfigKey::CopyIfNotExists, "multipart");
    }
    // Appends replace an object only if it is still the version they read (`If-Match`).
    let chosen = std::env::var_os("AWS_CONDITIONAL_PUT").is_some()
        || opts.iter().any(|(k, _)| {
            k.parse::<AmazonS3ConfigKey>().ok() == Some(AmazonS3ConfigKey::ConditionalPut)
        });
    if !chosen {
        b = b.with_config(AmazonS3ConfigKey::ConditionalPut, "etag");
    }
    for (k, v) in opts {
        let key: AmazonS3ConfigKey = k
            .parse()
            .map_err(|e| invalid(url, format!("option {k:?}: {e}")))?;
        b = b.with_config(key, v);
    }
    // Versions need `If-Match` puts; a store configured without them keeps none.
    let isolation = match b.get_config_value(&AmazonS3ConfigKey::ConditionalPut) {
        Some(v) if v.trim() == "etag" => Isolation::Conditional,
        _ => Isolation::None,
    };
    let store = b.build().map_err(|e| invalid(url, e))?;
    Ok((Arc::new(store), prefix_of(url, parsed.path())?, isolation))
}

#[cfg(not(feature = "s3"))]
fn s3(
    url: &str,
    _: &url::Url,
    _: &[(String, String)],
) -> Result<(Arc<dyn ObjectStore>, Path, Isolation)> {
    Err(not_compiled(url, "s3"))
}

#[cfg(feature = "azure")]
fn azure(
    url: &str,
    parsed: &url::Url,
    opts: &[(String, String)],
) -> Result<(Arc<dyn ObjectStore>, Path, Isolation)> {
    use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
    let mut b = MicrosoftAzureBuilder::from_env().with_url(redact(url));
    for (k, v) in opts {
        let key: AzureConfigKey = k
            .parse()
            .map_err(|e| invalid(url, format!("option {k:?}: {e}")))?;
        b = b.with_config(key, v);
    }
    let store = b.build().map_err(|e| invalid(url, e))?;
    // abfs://container@account.dfs.core.windows.net/prefix and az://container/prefix: the
    // container is the host's first label or the user part; the path is the prefix.
    Ok((
        Arc::new(store),
        prefix_of(url, parsed.path())?,
        Isolation::Conditional,
    ))
}

#[cfg(not(feature = "azure"))]
fn azure(
    url: &str,
    _: &url::Url,
    _: &[(String, String)],
) -> Result<(Arc<dyn ObjectStore>, Path, Isolation)> {
    Err(not_compiled(url, "azure"))
}

#[cfg(feature = "gcs")]
fn gcs(
    url: &str,
    parsed: &url::Url,
    opts: &[(String, String)],
) -> Result<(Arc<dyn ObjectStore>, Path, Isolation)> {
    use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
    let mut b = GoogleCloudStorageBuilder::from_env().with_url(redact(url));
    for (k, v) in opts {
        let key: GoogleConfigKey = k
            .parse()
            .map_err(|e| invalid(url, format!("option {k:?}: {e}")))?;
        b = b.with_config(key, v);
    }
    let store = b.build().map_err(|e| invalid(url, e))?;
    Ok((
        Arc::new(store),
        prefix_of(url, parsed.path())?,
        Isolation::Conditional,
    ))
}

#[cfg(not(feature = "gcs"))]
fn gcs(
    url: &str,
    _: &url::Url,
    _: &[(String, String)],
) -> Result<(Arc<dyn ObjectStore>, Path, Isolation)> {
    Err(not_compiled(url, "gcs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_reach_messages() {
        assert_eq!(
            redact("s3://key:secret@bucket/p?aws_secret_access_key=x&endpoint=http://h"),
            "s3://bucket/p"
        );
        assert_eq!(
            redact_text("GET http://h/b/o?sig=abc failed"),
            "GET http://h/b/o failed"
        );
        let e = open("nope://bucket/p?secret=1", &[])
            .err()
            .map(|e| e.to_string());
        assert!(e.as_deref().is_some_and(|e| !e.contains("secret")), "{e:?}");
    }

    #[test]
    fn prefixes_come_from_the_path() {
        let l = open("memory:///a/b/", &[])
            .ok()
            .map(|l| l.prefix.to_string());
        assert_eq!(l.as_deref(), Some("a/b"));
        let l = open("memory://", &[]).ok().map(|l| l.prefix.to_string());
        assert_eq!(l.as_deref(), Some(""));
    }
}
