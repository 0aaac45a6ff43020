//! The files a lone nginx snippet names from its distribution: `include fastcgi_params;`
//! in a site linted with `--nginx site.conf` resolves beside the site, where a checkout
//! has no such file, and every published config that includes a stock file was an
//! NGX002 error on its own (15 of 17 apps' documented configs in triage 16c). Read
//! beside the snippet first, then as Debian's nginx package has it in /etc/nginx.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_source::vfs::{Fetched, FileSystem, FsError, HostFs};

/// This machine's files, and beneath the folders of the snippets linted, the files of
/// Debian's nginx package (`fastcgi_params`, `fastcgi.conf`, `snippets/fastcgi-php.conf`,
/// `mime.types`, ...) where the folder lacks them.
///
/// ```
/// use lint_source::vfs::FileSystem;
/// let dir = std::env::temp_dir().join("snippet-fs-doc");
/// let fs = lint_api::snippet_fs::SnippetWithStock::new(vec![dir.clone()]);
/// let params = fs.read(&dir.join("fastcgi_params")).expect("Debian's fastcgi_params");
/// assert!(String::from_utf8_lossy(&params.bytes).contains("QUERY_STRING"));
/// assert!(fs.read(&dir.join("no-such-file.conf")).is_err());
/// ```
#[derive(Debug)]
pub struct SnippetWithStock {
    dirs: Vec<PathBuf>,
    host: HostFs,
}

impl SnippetWithStock {
    /// Stock files stand in beneath each of `dirs` (the folders of the snippets).
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        SnippetWithStock {
            dirs,
            host: HostFs::new(),
        }
    }

    /// The same view, the host's unchanged files taken from `cache` (an editor's re-lint).
    pub fn with_cache(mut self, cache: Arc<lint_source::read_cache::ReadCache>) -> Self {
        self.host = HostFs::with_cache(cache);
        self
    }

    /// What a file missing here means. Snippets kept outside /etc (a checkout, a
    /// download) name with an absolute include (`/etc/nginx/conf.d/php-location.conf`)
    /// a file of the machine they are deployed to: missing on the machine running the
    /// linter says nothing of it (million12's site: three NGX002 errors where nginx was
    /// installed), as in repository mode, where it is not known either.
    fn missing(&self, path: &Path) -> FsError {
        let away = self.dirs.iter().all(|d| !d.starts_with("/etc"));
        if away && path.is_absolute() && !self.dirs.iter().any(|d| path.starts_with(d)) {
            FsError::Unknown
        } else {
            FsError::NotFound
        }
    }

    fn stock(&self, path: &Path) -> Option<Fetched> {
        let rel = self.dirs.iter().find_map(|d| path.strip_prefix(d).ok())?;
        let wanted = Path::new("/etc/nginx").join(rel);
        let (_, bytes) = deployment::stock::DEBIAN_NGINX
            .files
            .iter()
            .find(|(p, _)| Path::new(p) == wanted)?;
        Some(Fetched {
            carrier: None,
            bytes: Arc::from(*bytes),
            disk_path: None,
            origin: Some(Arc::from("stock debian-nginx (not beside the snippet)")),
        })
    }
}

impl FileSystem for SnippetWithStock {
    fn read(&self, path: &Path) -> Result<Fetched, FsError> {
        match self.host.read(path) {
            Err(FsError::NotFound) => self.stock(path).ok_or_else(|| self.missing(path)),
            other => other,
        }
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, FsError> {
        self.host.glob(pattern)
    }

    fn is_dir(&self, path: &Path) -> Option<bool> {
        self.host.is_dir(path)
    }

    fn disk_path(&self, path: &Path) -> Option<PathBuf> {
        self.host.disk_path(path)
    }
}
