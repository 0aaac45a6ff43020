//! Deployments: which nginx configuration and which php-fpm configuration run
//! together, where each repository file lands inside their containers, on
//! which image, and how nginx's container reaches php-fpm's.
//!
//! A repository rarely holds a copy of `/etc`. It holds Compose files,
//! Dockerfiles, Kubernetes manifests, a `conf.d` snippet and a pool override.
//! [`assemble`] reads that evidence and gives one [`Deployment`] per
//! nginx ↔ php-fpm pairing, each with its own filesystem views (repository files
//! at their mount targets over the image's stock files) and network view, ready
//! to lint with [`Deployment::lint_input`].
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("compose.yaml"), "services:\n  web:\n    image: nginx:1.27\n    volumes: ['./site.conf:/etc/nginx/conf.d/default.conf']\n  php:\n    image: php:8.3-fpm\n").unwrap();
//! std::fs::write(dir.path().join("site.conf"), "server {\n  location ~ \\.php$ { fastcgi_pass php:9000; include fastcgi_params; }\n}\n").unwrap();
//! let found = deployment::assemble(dir.path());
//! assert_eq!(found.deployments.len(), 1);
//! let d = &found.deployments[0];
//! assert_eq!(d.nginx.as_ref().unwrap().container, "web");
//! assert_eq!(d.fpm.as_ref().unwrap().container, "php");
//! assert!(!d.network.shared_loopback);
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod assemble;
pub mod bounded_yaml;
pub mod build_edits;
pub mod ci_builds;
pub mod compose;
pub mod container_fs;
mod describe;
pub mod dockerfile;
pub mod kubernetes;
pub mod nginx_build;
pub mod repository;
pub mod stock;
pub mod supervisord;

pub use describe::describe;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_rules::{LintInput, Network, NginxInput};

pub use assemble::{assemble, assemble_with};
pub use container_fs::ContainerFs;

/// One side (nginx or php-fpm) of a deployment.
#[derive(Clone, Debug)]
pub struct Side {
    /// The container (Compose service, Kubernetes container, Dockerfile, or "files").
    pub container: String,
    /// The image reference or what stands for it.
    pub image: String,
    /// The container's files.
    pub fs: Arc<ContainerFs>,
    /// The main file (nginx.conf, php-fpm.conf) inside the container.
    pub main: PathBuf,
    /// php.ini inside the container, when it has one.
    pub php_ini: Option<PathBuf>,
    /// Where nginx's relative includes resolve (`/etc/nginx`), for a main file elsewhere.
    pub conf_prefix: Option<PathBuf>,
    /// nginx's prefix, where relative paths other than includes resolve: a build from
    /// source's `--prefix` (`/usr/local/nginx`).
    pub nginx_prefix: Option<PathBuf>,
    /// `passwd` and `group` text of the image.
    pub accounts: (String, String),
    /// nginx worker user by default.
    pub nginx_user: Option<String>,
    /// The nginx version the image runs.
    pub nginx_version: Option<String>,
    /// Whether that version is a guess: loose files taken as Debian's package, an image
    /// tag that names no release. Rules then judge version questions as notes.
    pub nginx_version_assumed: bool,
    /// Values of the container's environment (for php-fpm's `${VAR}`).
    pub env: std::collections::BTreeMap<String, String>,
    /// The user the container's processes start as, when not root.
    pub run_as: Option<String>,
    /// What was assumed to lint this side.
    pub notes: Vec<String>,
    /// Files a build step changes after they are in place (container paths).
    pub changed_at_build: Vec<PathBuf>,
    /// Stock files of an image whose layout is only guessed from its name (container
    /// paths): what rests on them is a note.
    pub guessed_files: Vec<PathBuf>,
    /// nginx's container's `/etc/passwd` when it is the official nginx image's, untouched:
    /// the web users (`www-data`, `apache`, `http`, `www`) it lacks are absent.
    pub web_users: Option<String>,
    /// Symbolic links a build step makes, as (link, target) (container paths).
    pub symlinks: Vec<(PathBuf, PathBuf)>,
    /// Third-party nginx modules the image carries.
    pub modules: Vec<String>,
    /// The context the main file is written for (`auto`: inferred), when it is a snippet
    /// linted on its own rather than a main file.
    pub context: Option<String>,
    /// The main file is a stand-in for an nginx.conf the repository does not hold (loose
    /// site files read inside the image's or distribution's own): names the sites use
    /// and it lacks may be defined by the real one, so they are notes.
    pub includer_unknown: bool,
    /// A container runs it (started by its command, supervisord or s6), not a host's
    /// service manager: no systemd unit (PrivateTmp and the like) surrounds it.
    pub in_container: bool,
    /// php-fpm's command passes `-R` (`--allow-to-run-as-root`).
    pub root_allowed: bool,
    /// php-fpm's master is known to start as root: an image that runs as root (the
    /// official php image, a distribution's base) with no `USER`, `user:` or
    /// `securityContext`, starting php-fpm itself (no supervisor whose program may name a
    /// user, no start script).
    pub root_master: bool,
}

/// nginx and php-fpm that run together.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// Where the evidence came from (`docker-compose.yml`, `k8s/deploy.yaml`, `files`).
    pub source: PathBuf,
    /// A short name (`web → php`).
    pub name: String,
    /// The nginx side.
    pub nginx: Option<Side>,
    /// The php-fpm side.
    pub fpm: Option<Side>,
    /// How nginx reaches php-fpm.
    pub network: Network,
    /// How each file came to be where it is, and what was not verified.
    pub notes: Vec<String>,
}

/// What a repository holds.
#[derive(Clone, Debug, Default)]
pub struct Assembled {
    /// The deployments found.
    pub deployments: Vec<Deployment>,
    /// Files recognised but not linted, and why (templates, unplaced fragments).
    pub skipped: Vec<(PathBuf, String)>,
    /// Repository files that belong to a deployment.
    pub used: Vec<PathBuf>,
}

/// Folders whose files nginx images and packages load by a glob of their nginx.conf
/// (`conf.d/*.conf` in the official image, `http.d/*.conf` on Alpine since 3.14,
/// `sites-enabled/*` on Debian, `default.d/*.conf` on Fedora), under the prefixes
/// images use.
const SITE_FOLDERS: &[&str] = &["conf.d", "http.d", "sites-enabled", "default.d"];
const NGINX_PREFIXES: &[&str] = &[
    "/etc/nginx",
    "/usr/local/etc/nginx",
    "/usr/local/nginx/conf",
];

/// The container paths of the files a folder mount places (`host` at `target`), at most
/// `depth` folders down and 1 000 files (a mounted application folder is not walked
/// further).
fn files_under(host: &Path, target: &Path, depth: usize) -> Vec<PathBuf> {
    walkdir::WalkDir::new(host)
        .max_depth(depth)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .take(1_000)
        .filter_map(|e| e.path().strip_prefix(host).ok().map(|rel| target.join(rel)))
        .collect()
}

impl Side {
    /// The repository files this side places in a site folder of nginx (container
    /// paths, as the container has them at the end): the files a reader expects nginx
    /// to load. At most 1 000 (a mounted application folder is not walked further).
    pub fn placed_sites(&self) -> Vec<PathBuf> {
        let in_site_folder = |path: &Path| {
            let Some(folder) = path.parent() else {
                return false;
            };
            let named = folder
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| SITE_FOLDERS.contains(&n));
            let prefixed = folder
                .parent()
                .is_some_and(|p| NGINX_PREFIXES.iter().any(|x| p == Path::new(x)));
            // sites-enabled takes every file; the others `*.conf`. A glob's `*` never
            // matches a leading dot: `.gitignore`, h5bp's disabled `.default.conf`.
            let globbed =
                folder.ends_with("sites-enabled") || path.extension().is_some_and(|e| e == "conf");
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            named && prefixed && globbed && !hidden
        };
        // A main file the repository gives as a template (elabimg's nginx.conf, its
        // `%NAME%` placeholders filled in at start) is not read: what it includes is not
        // known, so no site can be said never loaded.
        // (The site linted on its own stands in for the main file: the image's is asked.)
        let image_main = self
            .conf_prefix
            .clone()
            .unwrap_or_else(|| PathBuf::from("/etc/nginx"))
            .join("nginx.conf");
        let main_is_template = [&self.main, &image_main].into_iter().any(|main| {
            self.fs.host_path(main).is_some_and(|host| {
                std::fs::read(&host).is_ok_and(|bytes| {
                    matches!(
                        crate::repository::classify(&host, &bytes),
                        Some(crate::repository::Role::Template(_))
                    )
                })
            })
        });
        if main_is_template {
            return Vec::new();
        }
        let mut out = Vec::new();
        // What `out` holds, to keep each path once without searching `out` (an nginx
        // bind-mounting 8 000 site files searched it 8 000 times).
        let mut seen: std::collections::HashSet<PathBuf> = Default::default();
        for m in self.fs.mounts() {
            // Only what the repository says it places (a Compose volume, a COPY, a
            // manifest's mount): a loose file this tool put where its image keeps sites
            // ("X placed as Y", "X stands for /etc/nginx") is not the repository's claim.
            if m.guessed {
                continue;
            }
            let (host, files): (&Path, Vec<PathBuf>) = match &m.source {
                container_fs::Source::File(host) => (host, vec![m.target.clone()]),
                container_fs::Source::Dir { host, .. } => (host, files_under(host, &m.target, 3)),
                _ => continue,
            };
            for path in files {
                // Only where the file is still this repository file at the end (a later
                // layer may replace or remove it).
                let from_here = self
                    .fs
                    .host_path(&path)
                    .is_some_and(|h| h.starts_with(host));
                if in_site_folder(&path) && from_here && seen.insert(path.clone()) {
                    out.push(path);
                }
            }
        }
        out
    }

    /// The repository's files this side's mounts and COPYs place (host file, container
    /// path) that `wanted` keeps, each host file once: what the repository claims, not
    /// what this tool guessed ("X placed as Y"). A folder is listed four levels deep.
    fn placed_repository_files(
        &self,
        wanted: impl Fn(&container_fs::Mount, &Path) -> bool,
    ) -> Vec<(PathBuf, PathBuf)> {
        let mut out: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut seen: std::collections::HashSet<PathBuf> = Default::default();
        for m in self.fs.mounts().iter().filter(|m| !m.guessed) {
            let files: Vec<PathBuf> = match &m.source {
                container_fs::Source::File(_) => vec![m.target.clone()],
                container_fs::Source::Dir { host, .. } => files_under(host, &m.target, 4),
                _ => continue,
            };
            for path in files.into_iter().filter(|p| wanted(m, p)) {
                if let Some(host) = self.fs.host_path(&path) {
                    if seen.insert(host.clone()) {
                        out.push((host, path));
                    }
                }
            }
        }
        out
    }

    /// The repository's files a deployment places into php-fpm's configuration trees
    /// (`/etc/php81/php-fpm.conf`, a pool file): host file and container path. The
    /// caller says which of these php-fpm never read (wallabag's /etc/php81 tree under
    /// an image that runs php-fpm84).
    pub fn placed_fpm_files(&self) -> Vec<(PathBuf, PathBuf)> {
        // A pool file linted on its own (the image's main file is not known): what that
        // main file reads is not known either.
        let own_main = self
            .main
            .parent()
            .is_some_and(|d| !(d.ends_with("php-fpm.d") || d.ends_with("pool.d")));
        if !own_main {
            return Vec::new();
        }
        // php-fpm's configuration trees: /etc/php81/, /etc/php/8.2/fpm/, /usr/local/etc/.
        let fpm_config = |path: &Path| {
            let text = path.to_string_lossy();
            path.extension().is_some_and(|e| e == "conf")
                && (text.starts_with("/etc/php") || text.starts_with("/usr/local/etc/php-fpm"))
        };
        // A template a start script fills in (cachet's `{{PHP_MAX_CHILDREN}}`) is read at
        // runtime; its own note says why it is not linted.
        let template = |host: &Path| std::fs::read_to_string(host).is_ok_and(|t| t.contains("{{"));
        let mut out = self.placed_repository_files(|_, path| fpm_config(path));
        out.retain(|(host, _)| !template(host));
        out
    }

    /// The repository's nginx files (`*.conf` under a folder named `nginx`) this side
    /// places outside nginx's own folders (`COPY conf/ /opt/docker/`: webdevops' images
    /// link them in from a start script): host file and container path. Only what nginx
    /// loads through an include is linted; the caller says which of these nothing
    /// reached.
    pub fn placed_nginx_files_elsewhere(&self) -> Vec<(PathBuf, PathBuf)> {
        let elsewhere = |path: &Path| {
            path.extension().is_some_and(|e| e == "conf")
                && path.components().any(|c| c.as_os_str() == "nginx")
                && !NGINX_PREFIXES.iter().any(|x| path.starts_with(x))
        };
        self.placed_repository_files(|m, path| {
            // A folder of configuration (`/opt/docker/etc/nginx/`), not an application
            // folder mounted whole (laradock's `../:/var/www` holds other projects'
            // samples).
            let from_dir = matches!(m.source, container_fs::Source::Dir { .. });
            let app_folder = ["/var/www", "/srv", "/app", "/usr/share", "/home"]
                .iter()
                .any(|a| m.target.starts_with(a));
            let under_etc = path.to_string_lossy().contains("/etc/nginx/");
            elsewhere(path) && !(from_dir && app_folder) && (!from_dir || under_etc)
        })
    }

    /// Whether the repository file `path` lands in this side's container.
    pub fn uses(&self, path: &Path) -> bool {
        self.fs.mounts().iter().any(|m| match &m.source {
            container_fs::Source::File(h) => h == path,
            container_fs::Source::Dir { host, .. } => path.starts_with(host),
            container_fs::Source::Bytes { host: Some(h), .. } => h == path,
            _ => false,
        })
    }
}

impl Deployment {
    /// Whether the repository file `path` belongs to this deployment (mounted, copied,
    /// rendered into one of its containers, or the file that describes it).
    pub fn uses(&self, path: &Path) -> bool {
        self.source == path
            || self.nginx.as_ref().is_some_and(|s| s.uses(path))
            || self.fpm.as_ref().is_some_and(|s| s.uses(path))
    }

    /// The lint input of this deployment: its main files read through its containers'
    /// filesystems, with its network view and versions.
    pub fn lint_input(&self) -> LintInput {
        let mut input = LintInput::default();
        if let Some(n) = &self.nginx {
            input.nginx.push(NginxInput::File(n.main.clone()));
            input.options.nginx_fs = Some(n.fs.clone());
            input.options.nginx_conf_prefix = n.conf_prefix.clone();
            input.options.nginx_prefix = n.nginx_prefix.clone();
            input.options.nginx_user = n.nginx_user.clone();
            input.options.nginx_version = n.nginx_version.clone();
            input.options.nginx_version_assumed = n.nginx_version_assumed;
            input.options.nginx_runs_as = n.run_as.clone();
            input.options.modules = n.modules.clone();
            input.options.context = n.context.clone();
            input.options.nginx_includer_unknown = n.includer_unknown;
        }
        if let Some(f) = &self.fpm {
            input.fpm.push(f.main.clone());
            if let Some(ini) = &f.php_ini {
                input.php_ini.push(ini.clone());
            }
            input.options.fpm_fs = Some(f.fs.clone());
            input.options.env = f.env.clone();
            // What a repository's entrypoints export is not in its files.
            input.options.environment_incomplete = true;
            input.options.fpm_in_container = f.in_container;
            input.options.fpm_runs_as = f.run_as.clone();
            input.options.fpm_root_allowed = f.root_allowed;
            input.options.fpm_master_root = f.root_master && !f.root_allowed;
        }
        let accounts = self
            .nginx
            .iter()
            .chain(self.fpm.iter())
            .map(|s| s.accounts.clone())
            .fold((String::new(), String::new()), |mut acc, (p, g)| {
                acc.0.push_str(&p);
                acc.1.push_str(&g);
                acc
            });
        input.options.accounts = Some(accounts);
        input.options.network = self.network.clone();
        input.options.changed_at_build = self
            .nginx
            .iter()
            .chain(self.fpm.iter())
            .flat_map(|s| s.changed_at_build.iter().cloned())
            .collect();
        input.options.nginx_web_users = self.nginx.as_ref().and_then(|s| s.web_users.clone());
        input.options.guessed_files = self
            .nginx
            .iter()
            .chain(self.fpm.iter())
            .flat_map(|s| s.guessed_files.iter().cloned())
            .collect();
        input.options.nginx_placed = self
            .nginx
            .as_ref()
            .map(Side::placed_sites)
            .unwrap_or_default();
        // Links are followed where nginx connects: its own container's.
        input.options.symlinks = self
            .nginx
            .iter()
            .flat_map(|s| s.symlinks.iter().cloned())
            .collect();
        input
    }
}

// The README is a doctest too: its example compiles and runs with `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
