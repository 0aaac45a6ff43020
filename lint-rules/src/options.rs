//! What the configuration cannot show: the options of a run (versions, users, the
//! filesystem views of a deployment, how nginx's container reaches php-fpm's). Read by
//! the engine and the model alike, so it depends on neither.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use lint_source::vfs::FileSystem;
use nginx_conf_parser::catalogue::NginxVersion;

/// What nginx's container can reach, when nginx and php-fpm run in a deployment
/// (compose services, Kubernetes pods) rather than on one host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    /// nginx and php-fpm share one network stack (one host, one pod, `network_mode:
    /// service:`): nginx's 127.0.0.1 is php-fpm's.
    pub shared_loopback: bool,
    /// Names that resolve to php-fpm's container from nginx's (service names, aliases,
    /// Kubernetes Services).
    pub fpm_names: Vec<String>,
    /// Every name the deployment gives a container, php-fpm's among them
    /// ([`Network::other_names`] leaves those out): one list shared by the deployments of
    /// a project (a Compose file of 1 000 services pairs 1 000 times).
    pub all_names: Arc<[String]>,
    /// The names above are all there is: any other name does not resolve.
    pub closed: bool,
    /// nginx and php-fpm see different filesystems (different containers, even in one pod).
    pub separate_filesystems: bool,
    /// Directories both containers mount from one volume: (nginx's path, php-fpm's path).
    pub shared_dirs: Vec<(PathBuf, PathBuf)>,
    /// Ports of php-fpm's container published beyond the deployment's private network.
    pub published: Vec<Published>,
    /// What php-fpm's container holds beyond its image, when the deployment knows: the
    /// path of every mount, COPY and volume. `None`: the container's files are not known
    /// well enough to say a path is missing.
    pub fpm_provided: Option<Provided>,
    /// The same for nginx's container.
    pub nginx_provided: Option<Provided>,
    /// Kubernetes Services that name php-fpm's pod, with the ports each forwards: a
    /// connection to the Service's `port` reaches the pod on its `targetPort`.
    pub service_ports: Vec<ServicePorts>,
    /// php-fpm's names that do not resolve from nginx's container, and why (Compose
    /// services on networks that share none).
    pub unreachable_names: Vec<(String, String)>,
    /// Kubernetes Services of the manifests whose selector matches no pod of them, with
    /// what the selector asks and what the pods that run php-fpm carry: cluster DNS
    /// answers the name, and no pod is behind it.
    pub unbacked_services: Vec<(String, String)>,
}

/// A Kubernetes Service's ports: what `<service>:<port>` reaches in the pod.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServicePorts {
    /// The Service's name (what nginx writes as the host).
    pub name: String,
    /// Each `ports[]` entry: `port`, and the pod's port it forwards to (`targetPort`,
    /// `port` when unset; `None` for a named `targetPort` no container port is called).
    pub ports: Vec<(u16, Option<u16>)>,
}

/// Where a connection to `<name>:<port>` arrives in php-fpm's container
/// ([`Network::through_service`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortRoute<'n> {
    /// The name is no Service with ports: the port is the container's.
    Direct,
    /// A Service forwards it to this port of the pod.
    To(&'n ServicePorts, u16),
    /// A Service forwards it to a named port this linter cannot resolve.
    Unresolved,
    /// The Service has no such port: nothing answers (its ports are listed).
    Absent(&'n ServicePorts),
}

/// A container path as the kernel finds it: `/var/run` is a link to `/run` in the
/// Debian and Alpine images, and the runtime follows it when it mounts a volume there
/// (`sock:/var/run` shares `/run/php-fpm.sock`).
fn in_run(path: &std::path::Path) -> std::borrow::Cow<'_, std::path::Path> {
    match path.strip_prefix("/var/run") {
        Ok(rest) => std::borrow::Cow::Owned(std::path::Path::new("/run").join(rest)),
        Err(_) => std::borrow::Cow::Borrowed(path),
    }
}

/// The paths a container holds beyond its image ([`Network::fpm_provided`]), kept sorted
/// so that asking about one path looks at its ancestors and its first descendant, not at
/// every path: one nginx bind-mounting 8 000 site files asked each of its 8 000 roots
/// about every mount (X026, 15 s).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provided {
    /// The paths, `/var/run` read as `/run`, in [`Path`](std::path::Path)'s order (by
    /// component: a path's descendants follow it).
    paths: BTreeSet<PathBuf>,
}

impl Provided {
    /// The paths of `(path, whether its content is known)` pairs (what
    /// `ContainerFs::provided` lists).
    pub fn new(provided: Vec<(PathBuf, bool)>) -> Self {
        Provided {
            paths: provided
                .into_iter()
                .map(|(p, _)| in_run(&p).into_owned())
                .collect(),
        }
    }

    /// Whether a path is at, above or below `path`.
    fn covers(&self, path: &std::path::Path) -> bool {
        let path = in_run(path);
        // A provided path `path` starts with: one of its ancestors (itself included).
        // The empty path is the ancestor of every path (`starts_with("")` always holds),
        // which `ancestors()` of an absolute path does not reach.
        if path.ancestors().any(|a| self.paths.contains(a))
            || self.paths.contains(std::path::Path::new(""))
        {
            return true;
        }
        // A provided path that starts with `path`: `path` itself or its first descendant,
        // the first path not below it in component order.
        self.paths
            .range::<std::path::Path, _>((
                std::ops::Bound::Included(&*path),
                std::ops::Bound::Unbounded,
            ))
            .next()
            .is_some_and(|p| p.starts_with(&path))
    }
}

fn covers(provided: &Provided, path: &std::path::Path) -> Option<bool> {
    Some(provided.covers(path))
}

/// A port of php-fpm's container reachable from outside the deployment (Compose `ports:`,
/// a Kubernetes Service of type LoadBalancer or NodePort).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// The file that publishes it (on disk).
    pub file: PathBuf,
    /// Byte range of the entry in that file.
    pub range: (usize, usize),
    /// The container port.
    pub port: u32,
    /// What publishes it, as written (`"9000:9000"`, `type: NodePort`).
    pub what: String,
    /// Bound to a loopback address of the host only (`127.0.0.1:9000:9000`).
    pub loopback_only: bool,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            shared_loopback: true,
            fpm_names: Vec::new(),
            all_names: Arc::from([]),
            closed: false,
            separate_filesystems: false,
            shared_dirs: Vec::new(),
            published: Vec::new(),
            fpm_provided: None,
            nginx_provided: None,
            service_ports: Vec::new(),
            unreachable_names: Vec::new(),
            unbacked_services: Vec::new(),
        }
    }
}

impl Network {
    /// Every name the deployment gives a container other than php-fpm's.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use lint_rules::Network;
    /// let network = Network {
    ///     fpm_names: vec!["php".to_string()],
    ///     all_names: Arc::from(["db".to_string(), "PHP".to_string(), "web".to_string()]),
    ///     ..Network::default()
    /// };
    /// assert_eq!(network.other_names().collect::<Vec<_>>(), ["db", "web"]);
    /// ```
    pub fn other_names(&self) -> impl Iterator<Item = &String> {
        self.all_names.iter().filter(|n| !self.is_fpm_name(n))
    }

    /// Whether `name` resolves to php-fpm's container.
    pub fn is_fpm_name(&self, name: &str) -> bool {
        if self.fpm_names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return true;
        }
        // A Kubernetes Service by its longer names (`php.shop`, `php.shop.svc`,
        // `php.shop.svc.cluster.local`): the same Service.
        let Some((short, rest)) = name.split_once('.') else {
            return false;
        };
        let kubernetes = self
            .service_ports
            .iter()
            .any(|s| s.name.eq_ignore_ascii_case(short));
        let mut suffix = rest.split('.');
        kubernetes
            && match (suffix.next(), suffix.next()) {
                (Some(_namespace), None) => true,
                (Some(_namespace), Some(svc)) => svc.eq_ignore_ascii_case("svc"),
                _ => false,
            }
    }

    /// Where `name:port` arrives in php-fpm's container, through the Kubernetes Service
    /// `name` is (its short name: `php.default.svc.cluster.local` is `php`).
    ///
    /// ```
    /// use lint_rules::{Network, PortRoute, ServicePorts};
    /// let network = Network {
    ///     service_ports: vec![ServicePorts { name: "php".into(), ports: vec![(80, Some(9000))] }],
    ///     ..Network::default()
    /// };
    /// assert!(matches!(network.through_service("php", 80), PortRoute::To(_, 9000)));
    /// assert!(matches!(network.through_service("php", 9000), PortRoute::Absent(_)));
    /// assert_eq!(network.through_service("db", 9000), PortRoute::Direct);
    /// ```
    pub fn through_service(&self, name: &str, port: u16) -> PortRoute<'_> {
        let short = name.split('.').next().unwrap_or(name);
        let Some(service) = self
            .service_ports
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(short) && !s.ports.is_empty())
        else {
            return PortRoute::Direct;
        };
        match service.ports.iter().find(|(p, _)| *p == port) {
            Some((_, Some(target))) => PortRoute::To(service, *target),
            Some((_, None)) => PortRoute::Unresolved,
            None => PortRoute::Absent(service),
        }
    }

    /// Whether `name` resolves at all from nginx's container (`None`: cannot say).
    pub fn resolves(&self, name: &str) -> Option<bool> {
        if !self.closed {
            return None;
        }
        let n = name.to_ascii_lowercase();
        let local = n == "localhost" || n == "ip6-localhost" || n == "localhost.localdomain";
        // Kubernetes adds the namespace and cluster suffixes; a dotted name may be any host.
        let short = n.split('.').next().unwrap_or(&n).to_string();
        let known = self
            .fpm_names
            .iter()
            .chain(self.all_names.iter())
            .any(|x| x.eq_ignore_ascii_case(&n) || x.eq_ignore_ascii_case(&short));
        if local || known {
            return Some(true);
        }
        if n.contains('.') {
            return None;
        }
        Some(false)
    }

    /// Whether php-fpm's container has something at `path` (`None`: cannot say).
    pub fn fpm_has(&self, path: &std::path::Path) -> Option<bool> {
        if !self.separate_filesystems {
            return None;
        }
        covers(self.fpm_provided.as_ref()?, path)
    }

    /// Whether nginx's container has something at `path` (`None`: cannot say).
    pub fn nginx_has(&self, path: &std::path::Path) -> Option<bool> {
        if !self.separate_filesystems {
            return None;
        }
        covers(self.nginx_provided.as_ref()?, path)
    }

    /// php-fpm's path for a path nginx names, through a shared volume (`None`: not shared).
    pub fn fpm_path(&self, nginx_path: &std::path::Path) -> Option<PathBuf> {
        if !self.separate_filesystems {
            return Some(nginx_path.to_path_buf());
        }
        let nginx_path = in_run(nginx_path);
        self.shared_dirs.iter().find_map(|(n, f)| {
            nginx_path
                .strip_prefix(in_run(n))
                .ok()
                .map(|rest| in_run(f).join(rest))
        })
    }
}

/// Settings that the configuration cannot show.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// `--root DIR`: absolute paths in configs are read under DIR.
    pub root: Option<PathBuf>,
    /// Where owners, groups and modes of configured paths are read (`--root`, or `/` when
    /// the machine's own trees are linted); `None`: the disk is not the configuration's.
    pub disk_root: Option<PathBuf>,
    /// Directories under `disk_root` that packages make and a copy of / may lack (Debian's
    /// `/var/log/nginx` in a repository holding `etc/` and some `var/`): never missing.
    pub package_dirs: Vec<PathBuf>,
    /// `--prefix`: nginx's prefix (relative main paths resolve against it).
    pub nginx_prefix: Option<PathBuf>,
    /// `--context http|server|location`: the context of a snippet linted on its own.
    pub context: Option<String>,
    /// The nginx.conf read as the main file stands in for one the input does not hold
    /// (a repository's loose site files, read inside their image's stock nginx.conf): the
    /// sites are judged as a snippet linted on its own is, names they use that the tree
    /// lacks and relative includes it cannot find being notes.
    pub nginx_includer_unknown: bool,
    /// `--nginx-version` (`1.22`, `1.22.1`, `latest`); `None` = latest.
    pub nginx_version: Option<String>,
    /// The version above is a guess (a tree's layout, an image tag that names no release),
    /// not what the server is known to run: a directive the other catalogue knows is not
    /// an error.
    pub nginx_version_assumed: bool,
    /// Third-party nginx modules to treat as loaded (besides `load_module` lines).
    pub modules: Vec<String>,
    /// `--nginx-user`: nginx worker user when no `user` directive says it.
    pub nginx_user: Option<String>,
    /// `--env KEY=VALUE`: values for php-fpm's `${KEY}`.
    pub env: BTreeMap<String, String>,
    /// php-fpm's environment is not all known (a deployment read from a repository: its
    /// entrypoint may export what no file says): an unknown `${KEY}` is a placeholder
    /// rather than php-fpm's empty value.
    pub environment_incomplete: bool,
    /// php-fpm runs in a container (a deployment's image, started by its command or a
    /// supervisor), not under the host's systemd.
    pub fpm_in_container: bool,
    /// The nginx side is a site taken from a copy of `/` that keeps several sites in
    /// `sites-available/` and no `sites-enabled/`: the site is linted, but the copy is not
    /// the machine, so "no pool listens there" is not claimed (its pool may be one the
    /// copy left out, as the links were).
    pub site_not_known_enabled: bool,
    /// Domains the operator expects to be served (`--names`).
    pub expected_names: Vec<String>,
    /// The filesystem nginx's files are read from (a container's view); `None`: the
    /// root's or the host's.
    pub nginx_fs: Option<Arc<dyn FileSystem>>,
    /// The filesystem php-fpm's files are read from.
    pub fpm_fs: Option<Arc<dyn FileSystem>>,
    /// nginx's conf prefix when it is not the main file's directory (a snippet linted
    /// inside its image's nginx.conf).
    pub nginx_conf_prefix: Option<PathBuf>,
    /// Parse trees of earlier runs (an editor session): unchanged nginx files are not
    /// parsed again. The run's source map must draw its ids from the cache.
    pub nginx_cache: Option<Arc<nginx_conf_parser::ParseCache>>,
    /// php-fpm lines of earlier runs, drawing ids from the same source as `nginx_cache`.
    pub fpm_cache: Option<Arc<fpm_conf_parser::FpmParseCache>>,
    /// Per-server findings of earlier runs (an editor session, with `nginx_cache`): the
    /// servers an edit did not touch are not checked again by per-server rules.
    pub server_memo: Option<Arc<crate::ServerMemo>>,
    /// How nginx reaches php-fpm.
    pub network: Network,
    /// `passwd` and `group` text of the deployment's images; `None`: read them from the
    /// root, or from this machine only when its own trees are linted.
    pub accounts: Option<(String, String)>,
    /// The user nginx's master runs as when it is not root (a Dockerfile's `USER`): its
    /// workers run as that user whatever the `user` directive says.
    pub nginx_runs_as: Option<String>,
    /// The user php-fpm's master runs as when it is not root: sockets are created by it.
    pub fpm_runs_as: Option<String>,
    /// php-fpm is started with `-R` (`--allow-to-run-as-root`): pools may run as root.
    pub fpm_root_allowed: bool,
    /// php-fpm's master is known to start as root in its container (the official php
    /// image's `CMD ["php-fpm"]` with no `USER`): pools then need `user` as on a server.
    pub fpm_master_root: bool,
    /// Files a build step changes after they are copied (`RUN sed -i` in a Dockerfile): what
    /// is read is not what runs, so findings in them are notes, not claims.
    pub changed_at_build: Vec<PathBuf>,
    /// Stock files of an image whose layout is guessed from its name rather than known
    /// (a third-party image taken to keep the official php image's php-fpm files): a
    /// finding that rests on one is a note, not a claim.
    pub guessed_files: Vec<PathBuf>,
    /// The `/etc/passwd` of nginx's container when it is the official nginx image's and
    /// nothing adds accounts to it: a web user it lacks (`www-data` on the Alpine
    /// variant) does not exist there (NGX026).
    pub nginx_web_users: Option<String>,
    /// Repository files a deployment places where nginx loads sites from (`conf.d/`,
    /// `http.d/`, `sites-enabled/`, `default.d/`), as container paths: one that no
    /// include of the tree reaches is never loaded (NGX215).
    pub nginx_placed: Vec<PathBuf>,
    /// Symbolic links a build step makes (`RUN ln -sf /run/php/php-fpm.sock
    /// /run/php-fpm.sock` in a Dockerfile), as (link, target): a socket path nginx names
    /// may lead to a pool's socket through them, as through links on a `--root` disk.
    pub symlinks: Vec<(PathBuf, PathBuf)>,
    /// Options of individual rules, by rule code then option name (`[rule-options.SEC017]`
    /// in the config file; a gixy plugin's options keep their gixy names).
    pub rule_options: BTreeMap<String, BTreeMap<String, RuleOption>>,
    /// Codes of rules not to run: the settings would drop every finding they make (not
    /// selected, opt-in and not asked for, ignored everywhere). Skipping them saves their
    /// time; a suppression comment that names only such rules is not reported unused,
    /// since nothing ran that could have used it.
    pub rules_not_run: BTreeSet<&'static str>,
    /// The process exits once this run's findings are reported (a command-line run):
    /// its parse trees and model are left for the exit to reclaim instead of being
    /// freed one allocation at a time (5 % of a 1 000-site run's time, on the path
    /// between the rules and the report). Never set where runs repeat: what is left
    /// is not reclaimed until the process ends.
    pub left_for_exit: bool,
}

/// The value of one rule option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleOption {
    /// `true` or `false`.
    Bool(bool),
    /// A list of words (a single word is a list of one).
    Words(Vec<String>),
}

impl LintOptions {
    /// Whether php-fpm's master is known to start as root: a server's tree (`--root`,
    /// the machine's own) that the service manager starts, unless a non-root user is
    /// said, or a container known to start php-fpm as root ([`LintOptions::fpm_master_root`]).
    /// A root master looks up each pool's `user` and `group` and refuses a pool that
    /// names none.
    pub fn fpm_master_is_root(&self) -> bool {
        self.fpm_master_root
            || ((self.root.is_some() || self.disk_root.is_some())
                && !self.fpm_in_container
                && self
                    .fpm_runs_as
                    .as_deref()
                    .is_none_or(|u| u == "root" || u == "0"))
    }

    /// A boolean option of a rule, when given.
    pub fn rule_bool(&self, code: &str, option: &str) -> Option<bool> {
        match self.rule_options.get(code)?.get(option)? {
            RuleOption::Bool(b) => Some(*b),
            RuleOption::Words(_) => None,
        }
    }

    /// A list option of a rule, when given.
    pub fn rule_words(&self, code: &str, option: &str) -> Option<&[String]> {
        match self.rule_options.get(code)?.get(option)? {
            RuleOption::Words(w) => Some(w),
            RuleOption::Bool(_) => None,
        }
    }
}

/// The nginx version the options target (the newest when not given).
pub(crate) fn version(options: &LintOptions) -> NginxVersion {
    options
        .nginx_version
        .as_deref()
        .and_then(NginxVersion::parse)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The scan of every provided path that `Network::nginx_has` was before the index.
    fn scanned(provided: &[(PathBuf, bool)], path: &Path) -> bool {
        let path = in_run(path);
        provided
            .iter()
            .map(|(p, _)| in_run(p))
            .any(|p| path.starts_with(&p) || p.starts_with(&path))
    }

    #[test]
    fn provided_paths_answer_as_a_scan_of_them() {
        let provided: Vec<(PathBuf, bool)> = [
            "/etc/nginx/conf.d/site1.conf",
            "/etc/nginx/conf.d/site10.conf",
            "/var/www/html",
            "/var/www/html2/public",
            "/var/run/php",
            "/srv/a.b",
            "/srv/a/b/c",
        ]
        .iter()
        .map(|p| (PathBuf::from(p), true))
        .collect();
        let index = Provided::new(provided.clone());
        for asked in [
            "/",
            "/etc",
            "/etc/nginx/conf.d",
            "/etc/nginx/conf.d/site1",
            "/etc/nginx/conf.d/site1.conf",
            "/etc/nginx/conf.d/site1.conf/x",
            "/etc/nginx/conf.d/site2.conf",
            "/var/www",
            "/var/www/html",
            "/var/www/html/index.php",
            "/var/www/html2",
            "/var/www/htm",
            "/run/php/fpm.sock",
            "/var/run/php",
            "/run",
            "/srv/a",
            "/srv/a/b",
            "/srv/a.b/c",
            "/srv/b",
            "/usr",
            "relative/path",
        ] {
            let asked = Path::new(asked);
            assert_eq!(index.covers(asked), scanned(&provided, asked), "{asked:?}");
        }
        // The empty path is below and above everything, as `starts_with` has it.
        let empty = vec![(PathBuf::new(), false)];
        for asked in ["/", "/usr/x", "x"] {
            let asked = Path::new(asked);
            assert_eq!(
                Provided::new(empty.clone()).covers(asked),
                scanned(&empty, asked)
            );
        }
        assert!(!Provided::new(Vec::new()).covers(Path::new("/x")));
    }
}
