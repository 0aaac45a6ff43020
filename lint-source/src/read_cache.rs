//! Bytes of files on this machine kept between runs: an editor re-lints the whole
//! tree on every keystroke, and opening and reading every unchanged file again was a
//! fifth of each answer on a 1 000-site tree (`open(2)` is the dearest call there).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use foldhash::HashMap;

/// What `stat(2)` says of a file: when any of it differs, the bytes are read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    /// The stamp of `meta`.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// The file's (device, inode): which file a path names, whatever link led there.
    pub fn identity(&self) -> (u64, u64) {
        (self.dev, self.ino)
    }

    /// True when the file changed less than `window` before `now`, so recently that a
    /// second write within the clock's tick could leave the same stamp ("racy git"):
    /// such bytes are not trusted later.
    fn is_racy(&self, now: SystemTime, window: Duration) -> bool {
        let changed_secs = self.mtime.0.max(self.ctime.0).max(0) as u64;
        let changed = SystemTime::UNIX_EPOCH
            .checked_add(Duration::from_secs(changed_secs))
            .unwrap_or(SystemTime::UNIX_EPOCH);
        // Whole seconds: some filesystems keep no more.
        now.duration_since(changed).map_or(true, |age| age < window)
    }
}

/// Files changed this recently (in whole seconds) are read again on every run.
const SETTLE_TIME: Duration = Duration::from_secs(2);

/// One kept file.
#[derive(Clone)]
struct Kept {
    stamp: Stamp,
    bytes: Arc<[u8]>,
    /// Changed so recently when read that its stamp may not show a second write.
    racy: bool,
    /// In a folder whose changes are reported ([`ReadCache::watch`]): reused without a
    /// `stat(2)` until [`ReadCache::forget`] is told it changed.
    watched: bool,
}

/// Host files' bytes kept between runs, each checked against one `stat(2)` before it is
/// reused: a file whose device, inode, size, modification and change times are the same
/// is not opened again. A file changed in the two seconds before it was read is read
/// again next time (a second write within the clock's tick leaves the same times).
///
/// ```
/// use lint_source::read_cache::ReadCache;
///
/// let dir = std::env::temp_dir().join(format!("read-cache-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let file = dir.join("site.conf");
/// std::fs::write(&file, "server {}\n").unwrap();
/// let cache = ReadCache::default();
/// assert_eq!(&cache.read(&file).unwrap()[..], b"server {}\n");
/// std::fs::write(&file, "server { listen 81; }\n").unwrap();
/// assert_eq!(&cache.read(&file).unwrap()[..], b"server { listen 81; }\n");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub struct ReadCache {
    files: Mutex<HashMap<PathBuf, Kept>>,
    reads: std::sync::atomic::AtomicUsize,
    settle: Duration,
    /// Folders (resolved) whose every change the caller reports ([`ReadCache::watch`]).
    watched: Mutex<Vec<PathBuf>>,
}

impl Default for ReadCache {
    fn default() -> Self {
        ReadCache::with_settle_time(SETTLE_TIME)
    }
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache")
            .field("reads", &self.reads())
            .finish_non_exhaustive()
    }
}

impl ReadCache {
    /// A cache that trusts a file's stamp only when the file last changed `settle` or
    /// more before it was read (two seconds by default; `Duration::ZERO` trusts every
    /// stamp, for tests that cannot wait, at the price of missing a second write within
    /// the clock's tick).
    pub fn with_settle_time(settle: Duration) -> Self {
        ReadCache {
            files: Mutex::default(),
            reads: std::sync::atomic::AtomicUsize::new(0),
            settle,
            watched: Mutex::default(),
        }
    }

    /// Trusts the files under `folder` as kept until [`ReadCache::forget`] says one
    /// changed: what a language server does once its editor watches the folder for it
    /// (`workspace/didChangeWatchedFiles`), so that a keystroke costs no `stat(2)` of
    /// every file of the tree. A file is trusted when its resolved path (links followed,
    /// found once, when it is read) lies under the folder's: a link out of the folder
    /// leads to a file no one watches, which is checked as before.
    ///
    /// ```
    /// use lint_source::read_cache::ReadCache;
    ///
    /// let dir = std::env::temp_dir().join(format!("read-cache-watch-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let file = dir.join("site.conf");
    /// std::fs::write(&file, "server {}\n").unwrap();
    /// let cache = ReadCache::default();
    /// cache.watch(&dir);
    /// assert_eq!(&cache.read(&file).unwrap()[..], b"server {}\n");
    /// std::fs::write(&file, "server { listen 81; }\n").unwrap();
    /// // Not told yet: the kept bytes.
    /// assert_eq!(&cache.read(&file).unwrap()[..], b"server {}\n");
    /// cache.forget(&file);
    /// assert_eq!(&cache.read(&file).unwrap()[..], b"server { listen 81; }\n");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn watch(&self, folder: &Path) {
        let Ok(resolved) = std::fs::canonicalize(folder) else {
            return;
        };
        let mut watched = self.watched.lock().unwrap_or_else(|e| e.into_inner());
        if !watched.contains(&resolved) {
            watched.push(resolved);
        }
        drop(watched);
        // Files kept before: trusted from now on if they lie there.
        let mut files = self.lock();
        for (path, kept) in files.iter_mut() {
            kept.watched = kept.watched || self.is_watched(path);
        }
    }

    /// Trusts no folder any more (the editor could not watch them): every file is
    /// checked with `stat(2)` again.
    pub fn unwatch(&self) {
        self.watched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        for kept in self.lock().values_mut() {
            kept.watched = false;
        }
    }

    /// Drops what is kept of `disk` (it changed, was made or was removed): the next
    /// run reads it again.
    pub fn forget(&self, disk: &Path) {
        self.lock().remove(disk);
    }

    /// Whether the resolved `disk` lies under a watched folder.
    fn is_watched(&self, disk: &Path) -> bool {
        let watched = self.watched.lock().unwrap_or_else(|e| e.into_inner());
        if watched.is_empty() {
            return false;
        }
        std::fs::canonicalize(disk).is_ok_and(|r| watched.iter().any(|w| r.starts_with(w)))
    }

    /// How many files were read from disk (not reused) so far: what tests count.
    pub fn reads(&self) -> usize {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The bytes of the host file `disk`, kept from an earlier read when its stamp is
    /// unchanged, else read now (and kept).
    pub fn read(&self, disk: &Path) -> Result<Arc<[u8]>, crate::vfs::FsError> {
        if let Some(kept) = self.lock().get(disk).filter(|k| k.watched) {
            return Ok(kept.bytes.clone());
        }
        let meta = std::fs::metadata(disk).map_err(|e| crate::vfs::FsError::from_io(&e))?;
        let stamp = Stamp::of(&meta);
        if let Some(kept) = self.lock().get(disk) {
            if kept.stamp == stamp && !kept.racy {
                return Ok(kept.bytes.clone());
            }
        }
        let now = SystemTime::now();
        let bytes = crate::vfs::read_host(disk)?;
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let watched = self.is_watched(disk);
        // The stamp taken before the read: a write in between changes it, and the next
        // run reads again.
        self.lock().insert(
            disk.to_path_buf(),
            Kept {
                stamp,
                bytes: bytes.clone(),
                racy: stamp.is_racy(now, self.settle),
                watched,
            },
        );
        Ok(bytes)
    }

    /// The identity (device, inode) of `disk` as its last read found it, without a
    /// system call: what an overlay of open buffers compares to find a buffer opened
    /// through another name of the same file.
    pub fn identity(&self, disk: &Path) -> Option<(u64, u64)> {
        self.lock().get(disk).map(|k| k.stamp.identity())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Kept>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A settled, unchanged file is read once; a file written again is read again, even
    /// at the same size; a file just written is read on every run.
    #[test]
    fn unchanged_files_are_read_once_and_changed_ones_again() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("a.conf");
        std::fs::write(&file, "aaaa").expect("write");
        let cache = ReadCache::default();
        assert_eq!(&cache.read(&file).expect("read")[..], b"aaaa");
        // Just written: racy, so read again.
        assert_eq!(&cache.read(&file).expect("read")[..], b"aaaa");
        assert_eq!(cache.reads(), 2, "a file just written is not trusted");
        // Settled: kept as not racy (its change time cannot be put back from here).
        let stamp = Stamp::of(&std::fs::metadata(&file).expect("meta"));
        cache.lock().insert(
            file.clone(),
            Kept {
                stamp,
                bytes: Arc::from(&b"aaaa"[..]),
                racy: false,
                watched: false,
            },
        );
        assert_eq!(&cache.read(&file).expect("read")[..], b"aaaa");
        assert_eq!(cache.reads(), 2, "a settled unchanged file is not read");
        assert_eq!(cache.identity(&file), Some(stamp.identity()));
        // The same size, new bytes, a later modification time: read.
        std::fs::write(&file, "bbbb").expect("write");
        let later = SystemTime::now() + Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .and_then(|f| f.set_modified(later))
            .expect("set mtime");
        assert_eq!(&cache.read(&file).expect("read")[..], b"bbbb");
        assert_eq!(cache.reads(), 3);
        // Gone: the error, not the kept bytes.
        std::fs::remove_file(&file).expect("rm");
        assert!(cache.read(&file).is_err());
    }

    #[test]
    fn old_changes_are_settled_and_recent_ones_racy() {
        let now = SystemTime::now();
        let secs = |t: SystemTime| {
            t.duration_since(SystemTime::UNIX_EPOCH)
                .expect("after 1970")
                .as_secs() as i64
        };
        let stamp = |changed: SystemTime| Stamp {
            dev: 1,
            ino: 2,
            len: 3,
            mtime: (secs(changed), 0),
            ctime: (secs(changed), 0),
        };
        let window = SETTLE_TIME;
        assert!(stamp(now).is_racy(now, window));
        assert!(stamp(now - Duration::from_secs(1)).is_racy(now, window));
        assert!(!stamp(now - Duration::from_secs(10)).is_racy(now, window));
        // A clock set back (a time in the future) is racy, not trusted.
        assert!(stamp(now + Duration::from_secs(60)).is_racy(now, window));
        assert!(!stamp(now).is_racy(now, Duration::ZERO));
    }

    /// Under a watched folder: kept until forgotten, without a `stat(2)`; outside it
    /// (or after `unwatch`), checked as before; a link out of the folder is not trusted.
    #[test]
    fn watched_files_are_kept_until_forgotten() {
        let dir = tempfile::tempdir().expect("tmp");
        let other = tempfile::tempdir().expect("tmp");
        let inside = dir.path().join("a.conf");
        let outside = other.path().join("b.conf");
        let link = dir.path().join("link.conf");
        std::fs::write(&inside, "aaaa").expect("write");
        std::fs::write(&outside, "xxxx").expect("write");
        std::os::unix::fs::symlink(&outside, &link).expect("symlink");
        let cache = ReadCache::default();
        cache.watch(dir.path());
        for file in [&inside, &outside, &link] {
            cache.read(file).expect("read");
        }
        assert_eq!(cache.reads(), 3);
        std::fs::write(&inside, "bbbbbb").expect("write");
        std::fs::write(&outside, "yyyyyy").expect("write");
        assert_eq!(&cache.read(&inside).expect("read")[..], b"aaaa", "trusted");
        assert_eq!(&cache.read(&outside).expect("read")[..], b"yyyyyy");
        assert_eq!(
            &cache.read(&link).expect("read")[..],
            b"yyyyyy",
            "a link out"
        );
        cache.forget(&inside);
        assert_eq!(&cache.read(&inside).expect("read")[..], b"bbbbbb");
        std::fs::write(&inside, "cccccccc").expect("write");
        cache.unwatch();
        assert_eq!(&cache.read(&inside).expect("read")[..], b"cccccccc");
    }
}
