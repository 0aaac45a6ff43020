//! Open buffers over the disk: the engine reads every file through a
//! [`FileSystem`], so an overlay that answers from an editor's unsaved text
//! first, then from the view underneath, makes the whole run see what is typed
//! (the language server's view of a workspace).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::read_cache::ReadCache;
use crate::vfs::{Fetched, FileSystem, FsError};

/// The open documents at one moment, by host path and by file identity.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    texts: HashMap<PathBuf, Arc<[u8]>>,
    /// (device, inode) of each buffer's file on disk: the editor may name a file through a
    /// link (sites-enabled/x → sites-available/x) and the engine by the other name.
    by_identity: HashMap<(u64, u64), Arc<[u8]>>,
}

fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

impl Snapshot {
    /// A snapshot of `(host path, text)` pairs.
    pub fn new(docs: impl IntoIterator<Item = (PathBuf, Arc<[u8]>)>) -> Self {
        let mut texts = HashMap::new();
        let mut by_identity = HashMap::new();
        for (path, text) in docs {
            if let Some(id) = identity(&path) {
                by_identity.insert(id, text.clone());
            }
            texts.insert(path, text);
        }
        Snapshot { texts, by_identity }
    }

    /// The buffer for a host path, when one is open.
    pub fn get(&self, path: &Path) -> Option<&Arc<[u8]>> {
        self.get_with(path, || identity(path))
    }

    /// [`Snapshot::get`] with the file's (device, inode) from `known` when that knows it
    /// (a [`ReadCache`] that just read it), saving a `stat(2)` per file read.
    fn get_with(
        &self,
        path: &Path,
        known: impl FnOnce() -> Option<(u64, u64)>,
    ) -> Option<&Arc<[u8]>> {
        if self.texts.is_empty() {
            return None;
        }
        if let Some(text) = self.texts.get(path) {
            return Some(text);
        }
        if self.by_identity.is_empty() {
            return None;
        }
        // One stat(2) per file read while buffers are open, unless the caller knows.
        self.by_identity.get(&known()?)
    }
}

/// A filesystem view with open buffers laid over it.
#[derive(Debug)]
pub struct Overlay {
    inner: Arc<dyn FileSystem>,
    docs: Arc<Snapshot>,
    cache: Option<Arc<ReadCache>>,
}

impl Overlay {
    /// `docs` over `inner`.
    pub fn new(inner: Arc<dyn FileSystem>, docs: Arc<Snapshot>) -> Self {
        Overlay {
            inner,
            docs,
            cache: None,
        }
    }

    /// The same overlay, taking files' identities from the cache `inner` reads through
    /// (no `stat(2)` of its own per file).
    pub fn with_cache(mut self, cache: Arc<ReadCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    fn buffer(&self, disk: &Path) -> Option<&Arc<[u8]>> {
        self.docs.get_with(disk, || {
            self.cache
                .as_ref()
                .and_then(|c| c.identity(disk))
                .or_else(|| identity(disk))
        })
    }
}

impl FileSystem for Overlay {
    fn read(&self, path: &Path) -> Result<Fetched, FsError> {
        match self.inner.read(path) {
            Ok(mut fetched) => {
                if let Some(text) = fetched.disk_path.as_deref().and_then(|d| self.buffer(d)) {
                    fetched.bytes = text.clone();
                }
                Ok(fetched)
            }
            Err(e) => {
                // A buffer not saved yet: the view knows where it would be on disk.
                let disk = self.inner.disk_path(path);
                match disk.as_deref().and_then(|d| self.buffer(d)) {
                    Some(text) => Ok(Fetched {
                        carrier: None,
                        bytes: text.clone(),
                        disk_path: disk,
                        origin: None,
                    }),
                    None => Err(e),
                }
            }
        }
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, FsError> {
        self.inner.glob(pattern)
    }

    fn is_dir(&self, path: &Path) -> Option<bool> {
        self.inner.is_dir(path)
    }

    fn disk_path(&self, path: &Path) -> Option<PathBuf> {
        self.inner.disk_path(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::{HostFs, RootFs};

    #[test]
    fn buffers_win_over_the_disk_also_through_a_root_and_a_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let avail = dir.path().join("etc/nginx/sites-available");
        let enabled = dir.path().join("etc/nginx/sites-enabled");
        std::fs::create_dir_all(&avail).expect("mkdir");
        std::fs::create_dir_all(&enabled).expect("mkdir");
        std::fs::write(avail.join("x"), "disk").expect("write");
        std::os::unix::fs::symlink(avail.join("x"), enabled.join("x")).expect("link");
        let docs = Arc::new(Snapshot::new([(
            avail.join("x"),
            Arc::<[u8]>::from(&b"buffer"[..]),
        )]));
        let root = Overlay::new(Arc::new(RootFs::new(dir.path())), docs.clone());
        let got = root
            .read(Path::new("/etc/nginx/sites-enabled/x"))
            .expect("read");
        assert_eq!(&*got.bytes, b"buffer");
        let host = Overlay::new(Arc::new(HostFs::new()), docs);
        assert_eq!(
            &*host.read(&enabled.join("x")).expect("read").bytes,
            b"buffer"
        );
        // Files without a buffer come from the disk.
        std::fs::write(avail.join("y"), "disk").expect("write");
        assert_eq!(&*host.read(&avail.join("y")).expect("read").bytes, b"disk");
    }

    #[test]
    fn an_unsaved_new_file_is_read_from_its_buffer() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("new.conf");
        let docs = Arc::new(Snapshot::new([(
            path.clone(),
            Arc::<[u8]>::from(&b"new"[..]),
        )]));
        let fs = Overlay::new(Arc::new(HostFs::new()), docs);
        assert_eq!(&*fs.read(&path).expect("read").bytes, b"new");
    }
}
