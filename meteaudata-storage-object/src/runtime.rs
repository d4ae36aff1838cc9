//! The async `object_store` API under the synchronous `StorageBackend` trait: each backend
//! owns a small tokio runtime, and every call runs its future there while the caller's thread
//! waits. The futures are spawned rather than entered with `block_on`, so calling the backend
//! from a thread that is itself inside another tokio runtime blocks that thread but does not
//! panic.

use std::future::Future;
use std::sync::Arc;

use meteaudata_core::{Error, Result};

/// The runtime (shut down without waiting when the last handle goes, which is allowed
/// anywhere, even inside another runtime).
#[derive(Debug)]
struct Owned(Option<tokio::runtime::Runtime>);

impl Drop for Owned {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// A handle to a backend's runtime, cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Bridge {
    rt: Arc<Owned>,
}

impl Bridge {
    /// A runtime with two worker threads (requests to the store overlap with decoding).
    pub(crate) fn new() -> Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("meteaudata-object-store")
            .enable_all()
            .build()
            .map_err(|e| Error::Backend {
                backend: "object".into(),
                message: format!("cannot start the runtime for object-store requests: {e}"),
                source: Some(Box::new(e)),
            })?;
        Ok(Bridge {
            rt: Arc::new(Owned(Some(rt))),
        })
    }

    fn runtime(&self) -> &tokio::runtime::Runtime {
        // Present until the last handle is dropped.
        self.rt
            .0
            .as_ref()
            .unwrap_or_else(|| unreachable!("the runtime lives as long as its handles"))
    }

    /// Runs `f` on the runtime and waits for its output.
    pub(crate) fn run<F>(&self, f: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let handle = self.spawn(f);
        wait(handle)
    }

    /// Starts `f` on the runtime; [`wait`] gets its output.
    pub(crate) fn spawn<F>(&self, f: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.runtime().spawn(f)
    }
}

/// The output of a spawned task. A panic inside it is resumed here (it is a bug, not input).
pub(crate) fn wait<T>(handle: tokio::task::JoinHandle<T>) -> T {
    match futures::executor::block_on(handle) {
        Ok(v) => v,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Tasks are cancelled only by the runtime's shutdown, which waits for no handle
        // holder: it happens after the last one is gone.
        Err(e) => unreachable!("an object-store task was cancelled: {e}"),
    }
}

impl Bridge {
    /// Enters the runtime's context on this thread (for `object_store` calls that spawn
    /// tasks, such as multipart parts), until the guard is dropped.
    pub(crate) fn enter(&self) -> tokio::runtime::EnterGuard<'_> {
        self.runtime().enter()
    }
}
