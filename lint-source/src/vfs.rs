//! The filesystem a configuration is read from.
//!
//! nginx and php-fpm name files by absolute paths of the machine (or container)
//! they run on. The linter runs elsewhere, so every read goes through a
//! [`FileSystem`]: the host itself, a checked-out copy of `/` ([`RootFs`]), or a
//! container assembled from a repository and an image's stock files (built by
//! the deployment crate). A path that the view does not provide is
//! [`FsError::Unknown`] there: "not in this deployment", never the host's file.

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::read_cache::ReadCache;

/// Files larger than this are not read (a config file this size is a mistake).
pub const MAX_FILE: u64 = 64 * 1024 * 1024;
/// Symbolic links followed while resolving one path (Linux's own limit).
const MAX_LINKS: usize = 40;

/// A file as a filesystem view provides it.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// Its bytes.
    pub bytes: Arc<[u8]>,
    /// Where the bytes were read from on this machine (`None`: embedded stock data).
    pub disk_path: Option<PathBuf>,
    /// Where a file that is not on disk comes from (`image nginx:1.27`), for display.
    pub origin: Option<Arc<str>>,
    /// The repository file whose lines hold this file's text (a ConfigMap's block
    /// scalar, a Dockerfile here-document), where findings are placed.
    pub carrier: Option<crate::source_map::Carrier>,
}

/// Why a path could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    /// It does not exist (errno 2).
    NotFound,
    /// The view cannot say: the path lies outside what the deployment provides.
    Unknown,
    /// The file is the repository's, but the container fills it in when it starts
    /// (a start script's `sed` of a `{NAME}` placeholder with a computed value, `{{NAME}}`
    /// templates): what the server reads there is not known. Why, in a few words.
    Unrendered(String),
    /// Permission denied (errno 13).
    PermissionDenied,
    /// A directory (errno 21).
    IsDirectory,
    /// Larger than [`MAX_FILE`].
    TooLarge,
    /// Too many levels of symbolic links (errno 40).
    Loop,
    /// Any other I/O error, with its text.
    Other(String),
}

impl FsError {
    /// nginx's `(errno: text)` form of the error.
    pub fn errno_text(&self) -> String {
        match self {
            FsError::NotFound | FsError::Unknown | FsError::Unrendered(_) => {
                "2: No such file or directory".into()
            }
            FsError::PermissionDenied => "13: Permission denied".into(),
            FsError::IsDirectory => "21: Is a directory".into(),
            FsError::Loop => "40: Too many levels of symbolic links".into(),
            FsError::TooLarge => format!("27: larger than {} MiB, not read", MAX_FILE >> 20),
            FsError::Other(text) => text.clone(),
        }
    }

    pub(crate) fn from_io(e: &std::io::Error) -> FsError {
        match e.kind() {
            std::io::ErrorKind::NotFound => FsError::NotFound,
            std::io::ErrorKind::PermissionDenied => FsError::PermissionDenied,
            _ if e.raw_os_error() == Some(40) => FsError::Loop,
            _ if e.raw_os_error() == Some(21) => FsError::IsDirectory,
            _ => {
                let s = e.to_string();
                let text = s.split(" (os error").next().unwrap_or(&s).to_string();
                FsError::Other(match e.raw_os_error() {
                    Some(n) => format!("{n}: {text}"),
                    None => text,
                })
            }
        }
    }
}

/// A view of a machine's (or container's) files, by the absolute paths its programs use.
pub trait FileSystem: Send + Sync + std::fmt::Debug {
    /// Reads a file.
    fn read(&self, path: &Path) -> Result<Fetched, FsError>;
    /// Every path matching a glob pattern (`*`, `?`, `[...]`; `*` never crosses `/`, a
    /// leading dot must be literal), in byte order as glob(3) in the C locale sorts.
    /// Directories (and links to them) are included, as glob(3) returns them: nginx
    /// then fails reading one (`pread() ... (21: Is a directory)`), php-fpm skips them.
    /// `Err(Unknown)` when the pattern's directory lies outside the view.
    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, FsError>;
    /// Whether a directory exists there (`None`: the view cannot say).
    fn is_dir(&self, path: &Path) -> Option<bool>;
    /// Where a path lives on this machine's disk, for owners and modes (`None`: not on disk).
    fn disk_path(&self, path: &Path) -> Option<PathBuf>;
    /// The same view reading this machine's files through `cache` (an editor's re-lint:
    /// unchanged files are not opened again); `None` when the view reads none, or
    /// cannot (it is then used as it is).
    fn with_read_cache(&self, _cache: &Arc<ReadCache>) -> Option<Arc<dyn FileSystem>> {
        None
    }
}

/// Lexically normalises `a/./b/../c` (no symlink resolution: nginx does none).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Whether a path has glob metacharacters.
pub fn has_glob(path: &str) -> bool {
    path.bytes().any(|b| matches!(b, b'*' | b'?' | b'['))
}

fn glob_options() -> glob::MatchOptions {
    glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    }
}

/// Sorts paths as glob(3) does in the C locale: by bytes.
pub fn sort_like_glob(paths: &mut [PathBuf]) {
    paths.sort_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
}

/// Matches one glob may return: past it the include is treated as unreadable. glob(3)
/// (what nginx and php-fpm call) has no such limit, but `/*/*/*/*/*/*` over a whole
/// machine is no configuration anyone means, and listing it is unbounded work. Shared
/// hosting keeps tens of thousands of sites in one `sites-enabled/*` (a bound of 10 000
/// turned a 20 000-site server into one false "cannot open" error and nothing linted).
pub const MAX_GLOB_MATCHES: usize = 200_000;

/// A pattern as glob(3) reads it, for the `glob` crate: glob(3) has no recursive
/// wildcard, so `**` is two `*` in one component, the same as one `*` (the crate would
/// walk every directory below: `include=/**` listed the whole disk).
///
/// ```
/// assert_eq!(lint_source::vfs::glob3_pattern("/etc/**/*.conf"), "/etc/*/*.conf");
/// assert_eq!(lint_source::vfs::glob3_pattern("/a/b*c"), "/a/b*c");
/// ```
pub fn glob3_pattern(pattern: &str) -> std::borrow::Cow<'_, str> {
    if !pattern.contains("**") {
        return std::borrow::Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        if !(c == '*' && out.ends_with('*')) {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Collects up to [`MAX_GLOB_MATCHES`] paths of a glob, sorted as glob(3) sorts them.
fn bounded_matches(paths: glob::Paths) -> Result<Vec<PathBuf>, FsError> {
    matches_up_to(paths, MAX_GLOB_MATCHES)
}

fn matches_up_to(paths: glob::Paths, limit: usize) -> Result<Vec<PathBuf>, FsError> {
    let mut found: Vec<PathBuf> = paths.filter_map(Result::ok).take(limit + 1).collect();
    if found.len() > limit {
        return Err(FsError::Other(format!(
            "the pattern matches more than {limit} paths: not followed"
        )));
    }
    sort_like_glob(&mut found);
    Ok(found)
}

/// Whether `path` matches a glob pattern with glob(3)'s rules.
pub fn glob_matches(pattern: &str, path: &Path) -> bool {
    glob::Pattern::new(&glob3_pattern(pattern))
        .map(|p| p.matches_path_with(path, glob_options()))
        .unwrap_or(false)
}

pub(crate) fn read_host(disk: &Path) -> Result<Arc<[u8]>, FsError> {
    let file = std::fs::File::open(disk).map_err(|e| FsError::from_io(&e))?;
    let meta = file.metadata().map_err(|e| FsError::from_io(&e))?;
    if meta.is_dir() {
        return Err(FsError::IsDirectory);
    }
    if meta.len() > MAX_FILE {
        return Err(FsError::TooLarge);
    }
    // Read straight into the shared buffer the source map keeps: reading into a
    // `Vec` and then `Arc::from` copied every file once (and allocated it twice).
    // `repeat_n` is TrustedLen, so the collect is one exactly sized allocation.
    let mut shared: Arc<[u8]> = std::iter::repeat_n(0u8, meta.len() as usize).collect();
    let mut file = file;
    if let Some(buf) = Arc::get_mut(&mut shared) {
        if file.read_exact(buf).is_ok() && file.read(&mut [0u8; 1]).is_ok_and(|n| n == 0) {
            return Ok(shared);
        }
    }
    // The file changed size since its metadata was read: read what is there now.
    use std::io::Seek;
    file.rewind().map_err(|e| FsError::from_io(&e))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FsError::from_io(&e))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(FsError::TooLarge);
    }
    Ok(Arc::from(bytes))
}

/// Reads `disk` through `cache` when there is one.
fn read_through(disk: &Path, cache: Option<&ReadCache>) -> Result<Arc<[u8]>, FsError> {
    match cache {
        Some(cache) => cache.read(disk),
        None => read_host(disk),
    }
}

/// The machine the linter runs on, paths as they are.
#[derive(Clone, Debug, Default)]
pub struct HostFs {
    cache: Option<Arc<ReadCache>>,
}

impl HostFs {
    /// The host, every file read from disk.
    pub fn new() -> Self {
        HostFs::default()
    }

    /// The host, unchanged files' bytes taken from `cache` (an editor's re-lint).
    pub fn with_cache(cache: Arc<ReadCache>) -> Self {
        HostFs { cache: Some(cache) }
    }
}

impl FileSystem for HostFs {
    fn read(&self, path: &Path) -> Result<Fetched, FsError> {
        Ok(Fetched {
            carrier: None,
            bytes: read_through(path, self.cache.as_deref())?,
            disk_path: Some(path.to_path_buf()),
            origin: None,
        })
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, FsError> {
        let Some(text) = pattern.to_str() else {
            return Ok(Vec::new());
        };
        let Ok(paths) = glob::glob_with(&glob3_pattern(text), glob_options()) else {
            return Ok(Vec::new());
        };
        bounded_matches(paths)
    }

    fn is_dir(&self, path: &Path) -> Option<bool> {
        Some(path.is_dir())
    }

    fn disk_path(&self, path: &Path) -> Option<PathBuf> {
        Some(path.to_path_buf())
    }

    fn with_read_cache(&self, cache: &Arc<ReadCache>) -> Option<Arc<dyn FileSystem>> {
        Some(Arc::new(HostFs::with_cache(cache.clone())))
    }
}

/// True when the copy of `/` at `root` is a configuration checkout rather than a machine
/// image: the top of a git work tree (git stores no empty directory, and repositories
/// ignore logs), or a tree without `/var/log`, which every installed system has. In
/// such a copy a missing directory or package file says nothing about the machine.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("checkout-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("etc/nginx")).unwrap();
/// assert!(lint_source::vfs::is_configuration_checkout(&dir));
/// std::fs::create_dir_all(dir.join("var/log")).unwrap();
/// assert!(!lint_source::vfs::is_configuration_checkout(&dir));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn is_configuration_checkout(root: &Path) -> bool {
    root.join(".git").exists() || !root.join("var/log").is_dir()
}

/// A checked-out copy of a machine's `/`: every absolute path, and every symbolic link
/// in it (absolute targets included), resolves inside the root, never on the host.
/// `/var/run` is `/run` when the copy has no `var/run` of its own (base-files' link).
#[derive(Clone, Debug)]
pub struct RootFs {
    root: PathBuf,
    /// The root is a configuration checkout ([`is_configuration_checkout`]): a directory
    /// missing there may be one the machine has empty (git keeps no empty directory).
    checkout: bool,
    cache: Option<Arc<ReadCache>>,
}

impl RootFs {
    /// A view of the copy of `/` at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        // Absolute, so that host paths found by a glob strip back to logical ones.
        let root = std::path::absolute(&root)
            .map(|r| normalize(&r))
            .unwrap_or(root);
        let checkout = is_configuration_checkout(&root);
        RootFs {
            root,
            checkout,
            cache: None,
        }
    }

    /// The same view, unchanged files' bytes taken from `cache` (an editor's re-lint).
    pub fn with_cache(mut self, cache: Arc<ReadCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The root directory on this machine.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The host path of `path` inside the root, symbolic links resolved inside it.
    /// Paths relative to nothing (no leading `/`) are taken as relative to the root.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, FsError> {
        let mut pending: Vec<std::ffi::OsString> = path
            .components()
            .rev()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_os_string()),
                Component::ParentDir => Some("..".into()),
                _ => None,
            })
            .collect();
        // The resolved path inside the root, as components.
        let mut done: Vec<std::ffi::OsString> = Vec::new();
        let mut links = 0;
        while let Some(part) = pending.pop() {
            if part == ".." {
                done.pop();
                continue;
            }
            done.push(part);
            let host = self.host_of(&done);
            match std::fs::symlink_metadata(&host) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(FsError::Loop);
                    }
                    let target = std::fs::read_link(&host).map_err(|e| FsError::from_io(&e))?;
                    done.pop();
                    if target.is_absolute() {
                        done.clear();
                    }
                    for c in target.components().rev() {
                        match c {
                            Component::Normal(s) => pending.push(s.to_os_string()),
                            Component::ParentDir => pending.push("..".into()),
                            _ => {}
                        }
                    }
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    // `/var/run` → `/run` as base-files links it, when the copy lacks it.
                    if done.len() == 2 && done[0] == "var" && done[1] == "run" {
                        done = vec!["run".into()];
                        continue;
                    }
                    if done.len() == 1
                        && done[0] == "var"
                        && pending.last().is_some_and(|p| p == "run")
                    {
                        pending.pop();
                        done = vec!["run".into()];
                        continue;
                    }
                    return Err(FsError::NotFound);
                }
                Err(e) => return Err(FsError::from_io(&e)),
            }
        }
        Ok(self.host_of(&done))
    }

    fn host_of(&self, parts: &[std::ffi::OsString]) -> PathBuf {
        let mut p = self.root.clone();
        for part in parts {
            p.push(part);
        }
        p
    }

    fn logical(&self, host: &Path) -> PathBuf {
        host.strip_prefix(&self.root)
            .map(|rel| Path::new("/").join(rel))
            .unwrap_or_else(|_| host.to_path_buf())
    }
}

impl FileSystem for RootFs {
    fn read(&self, path: &Path) -> Result<Fetched, FsError> {
        let disk = match self.resolve(path) {
            Ok(disk) => disk,
            // A configuration checkout says nothing of whole trees it does not hold:
            // certbot's `/etc/letsencrypt/options-ssl-nginx.conf` lives beside private keys
            // nobody commits. A file missing below a tree the checkout does hold
            // (`/etc/nginx/snippets/x.conf`) is missing.
            Err(FsError::NotFound) if self.checkout && self.lacks_whole_tree(path) => {
                return Err(FsError::Unknown)
            }
            Err(e) => return Err(e),
        };
        Ok(Fetched {
            carrier: None,
            bytes: read_through(&disk, self.cache.as_deref())?,
            // Shown as nginx names it (`sites-enabled/x`, a link), read from where it leads.
            disk_path: Some(self.root.join(path.strip_prefix("/").unwrap_or(path))),
            origin: None,
        })
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, FsError> {
        // Resolve the pattern's literal directory inside the root (it may be a link), then
        // match the rest below it on the disk.
        let text = pattern.to_string_lossy();
        let split = text
            .find(['*', '?', '['])
            .and_then(|i| text[..i].rfind('/'))
            .unwrap_or(0);
        let (dir, rest) = text.split_at(split);
        let dir = if dir.is_empty() { "/" } else { dir };
        let host_dir = match self.resolve(Path::new(dir)) {
            Ok(d) => d,
            // As for a read: a configuration checkout says nothing of trees it does not
            // hold (WordOps' `include /var/www/example.com/conf/nginx/*.conf`, where a
            // site's TLS lines live, in a copy of /etc): not known, rather than empty.
            Err(FsError::NotFound) if self.checkout && self.lacks_whole_tree(pattern) => {
                return Err(FsError::Unknown)
            }
            Err(FsError::NotFound) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let host_pattern = format!("{}{}", host_dir.display(), glob3_pattern(rest));
        let Ok(paths) = glob::glob_with(&host_pattern, glob_options()) else {
            return Ok(Vec::new());
        };
        let mut found: Vec<PathBuf> = bounded_matches(paths)?
            .into_iter()
            .filter_map(|host| {
                let rel = host.strip_prefix(&host_dir).ok()?;
                Some(Path::new(dir).join(rel))
            })
            .collect();
        sort_like_glob(&mut found);
        Ok(found)
    }

    fn is_dir(&self, path: &Path) -> Option<bool> {
        let host = self.resolve(path).ok();
        match host {
            Some(p) if p.is_dir() => Some(true),
            // A file, or nothing in a machine's copy: not a directory.
            Some(p) if p.exists() || !self.checkout => Some(false),
            None if !self.checkout => Some(false),
            // Nothing in a configuration checkout: maybe an empty directory git dropped.
            _ => None,
        }
    }

    fn disk_path(&self, path: &Path) -> Option<PathBuf> {
        Some(
            self.resolve(path)
                .unwrap_or_else(|_| self.root.join(path.strip_prefix("/").unwrap_or(path))),
        )
    }

    fn with_read_cache(&self, cache: &Arc<ReadCache>) -> Option<Arc<dyn FileSystem>> {
        Some(Arc::new(self.clone().with_cache(cache.clone())))
    }
}

impl RootFs {
    /// Whether the first directory of `path` the copy lacks is a top-level tree or one
    /// just below it (`/etc/letsencrypt`, `/srv/app`): a part of the machine the copy
    /// was not made of, rather than a file missing from a part it was.
    fn lacks_whole_tree(&self, path: &Path) -> bool {
        let mut ancestors: Vec<&Path> = path.ancestors().skip(1).collect();
        ancestors.reverse();
        ancestors
            .into_iter()
            .find(|dir| self.resolve(dir).is_err())
            .is_some_and(|dir| dir.components().count() <= 3)
    }

    /// The path inside the root that a host path under it stands for.
    pub fn logical_path(&self, host: &Path) -> PathBuf {
        self.logical(host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// glob(3) has no recursive wildcard: `dir/**` lists `dir`'s entries only (fuzzing
    /// found `include=/**` walking the whole disk: 23 GB of paths). And a glob that
    /// matches too much is an error, not an unbounded list.
    #[test]
    fn double_star_is_one_component_and_matches_are_bounded() {
        let root = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(root.path().join("a/b/c")).expect("mkdir");
        std::fs::write(root.path().join("a/one.conf"), "").expect("write");
        std::fs::write(root.path().join("a/b/two.conf"), "").expect("write");
        std::fs::write(root.path().join("a/b/c/three.conf"), "").expect("write");
        let host = HostFs::new();
        let found = host
            .glob(&root.path().join("a/**"))
            .expect("glob")
            .into_iter()
            .map(|p| {
                p.strip_prefix(root.path())
                    .expect("under root")
                    .to_path_buf()
            })
            .collect::<Vec<_>>();
        assert_eq!(found, [PathBuf::from("a/b"), PathBuf::from("a/one.conf")]);
        let rooted = RootFs::new(root.path());
        assert_eq!(
            rooted.glob(Path::new("/a/**/*.conf")).expect("glob"),
            [PathBuf::from("/a/b/two.conf")]
        );
        assert!(glob_matches("/a/**", Path::new("/a/x")));
        assert!(!glob_matches("/a/**", Path::new("/a/b/x")));
        let many = root.path().join("many");
        std::fs::create_dir(&many).expect("mkdir");
        for i in 0..=100 {
            std::fs::write(many.join(i.to_string()), "").expect("write");
        }
        let paths = || glob::glob(&many.join("*").to_string_lossy()).expect("pattern");
        assert!(matches!(
            matches_up_to(paths(), 100),
            Err(FsError::Other(_))
        ));
        assert_eq!(matches_up_to(paths(), 101).expect("within").len(), 101);
        assert_eq!(host.glob(&many.join("*")).expect("within").len(), 101);
    }

    #[test]
    fn absolute_links_resolve_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc/nginx/sites-available")).unwrap();
        std::fs::create_dir_all(root.join("etc/nginx/sites-enabled")).unwrap();
        std::fs::write(root.join("etc/nginx/sites-available/x"), "server {}\n").unwrap();
        std::os::unix::fs::symlink(
            "/etc/nginx/sites-available/x",
            root.join("etc/nginx/sites-enabled/x"),
        )
        .unwrap();
        // A link to a host file that the root does not have must not reach the host.
        std::os::unix::fs::symlink("/etc/hostname", root.join("etc/nginx/sites-enabled/y"))
            .unwrap();
        let fs = RootFs::new(root);
        let got = fs.read(Path::new("/etc/nginx/sites-enabled/x")).unwrap();
        assert_eq!(&*got.bytes, b"server {}\n");
        assert_eq!(
            fs.read(Path::new("/etc/nginx/sites-enabled/y"))
                .unwrap_err(),
            FsError::NotFound
        );
        let globbed = fs.glob(Path::new("/etc/nginx/sites-enabled/*")).unwrap();
        assert_eq!(
            globbed,
            [
                PathBuf::from("/etc/nginx/sites-enabled/x"),
                PathBuf::from("/etc/nginx/sites-enabled/y")
            ]
        );
    }

    #[test]
    fn link_loops_end_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/a", dir.path().join("b")).unwrap();
        std::os::unix::fs::symlink("/b", dir.path().join("a")).unwrap();
        let fs = RootFs::new(dir.path());
        assert_eq!(fs.read(Path::new("/a")).unwrap_err(), FsError::Loop);
    }

    #[test]
    fn var_run_is_run_when_the_copy_lacks_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("run/php")).unwrap();
        std::fs::write(dir.path().join("run/php/x"), "1").unwrap();
        let fs = RootFs::new(dir.path());
        assert!(fs.read(Path::new("/var/run/php/x")).is_ok());
        assert!(fs.read(Path::new("/../../var/run/php/x")).is_ok());
    }
}

/// Files held in memory by absolute path: configuration that exists only as text (an
/// editor's unsaved buffer, a test, a string a program generated). Every other path is
/// [`FsError::NotFound`]: the view is the whole machine.
///
/// ```
/// use std::path::Path;
/// use lint_source::vfs::{FileSystem, MemoryFs};
///
/// let fs = MemoryFs::new()
///     .with_file("/etc/nginx/nginx.conf", "events {}\n")
///     .with_file("/etc/nginx/conf.d/shop.conf", "server { listen 80; }\n");
/// assert_eq!(&*fs.read(Path::new("/etc/nginx/nginx.conf")).unwrap().bytes, b"events {}\n");
/// assert_eq!(
///     fs.glob(Path::new("/etc/nginx/conf.d/*.conf")).unwrap(),
///     vec![Path::new("/etc/nginx/conf.d/shop.conf").to_path_buf()]
/// );
/// assert_eq!(fs.is_dir(Path::new("/etc/nginx")), Some(true));
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: std::collections::BTreeMap<PathBuf, Arc<[u8]>>,
}

impl MemoryFs {
    /// An empty filesystem.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file; the path is made absolute and normalised.
    pub fn with_file(mut self, path: impl AsRef<Path>, text: impl AsRef<[u8]>) -> Self {
        self.insert(path, text);
        self
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl AsRef<Path>, text: impl AsRef<[u8]>) {
        let path = normalize(&Path::new("/").join(path.as_ref()));
        self.files.insert(path, Arc::from(text.as_ref()));
    }

    /// The bytes of a file, if present.
    pub fn get(&self, path: &Path) -> Option<&[u8]> {
        self.files.get(&normalize(path)).map(|b| &**b)
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> Result<Fetched, FsError> {
        let path = normalize(path);
        match self.files.get(&path) {
            Some(bytes) => Ok(Fetched {
                carrier: None,
                bytes: Arc::clone(bytes),
                disk_path: None,
                origin: None,
            }),
            None if self.is_dir(&path) == Some(true) => Err(FsError::IsDirectory),
            None => Err(FsError::NotFound),
        }
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, FsError> {
        let Some(text) = pattern.to_str() else {
            return Ok(Vec::new());
        };
        let mut found: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| glob_matches(text, p))
            .cloned()
            .collect();
        sort_like_glob(&mut found);
        Ok(found)
    }

    fn is_dir(&self, path: &Path) -> Option<bool> {
        let path = normalize(path);
        Some(
            self.files
                .keys()
                .any(|p| p.starts_with(&path) && p != &path),
        )
    }

    fn disk_path(&self, _path: &Path) -> Option<PathBuf> {
        None
    }
}
