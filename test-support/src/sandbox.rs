//! Runs the real nginx or php-fpm8.2 of this machine on a deployment's materialized
//! container files (`nginx-fpm-lint deployments --materialize DIR`), shared by the
//! differential tests (deployments, fixes) and the live "two containers" test.
//!
//! Each program runs in a private mount namespace (`unshare -m`) and is `chroot`ed into an
//! overlay whose layers are, top first: a small layer of our own (`/etc/hosts` mapping the
//! deployment's host names, `/etc/passwd` and `/etc/group` with the image's users,
//! `/etc/nsswitch.conf` resolving from files only), the container's materialized files,
//! and this machine's `/` (for the binaries and their libraries). Why an overlay of the
//! whole `/` rather than bind mounts of a few directories or rewritten paths: the
//! materialized trees put files anywhere (`/etc/nginx`, `/usr/local/etc`, `/etc/php85`,
//! `/opt`, `/var/www` ...), including where this machine has no directory to mount on, and
//! configurations name them by absolute path (`include`, `root`, `listen = /run/...`).
//! The directory of the main file is bind-mounted on top exactly as materialized, so that
//! this machine's own `/etc/nginx/conf.d/*.conf` or `sites-enabled` never leak into a
//! glob. `/run` and `/tmp` are fresh tmpfs: each container has its own.
//!
//! The overlay layers must not overlap, so the materialized tree and our layer are copied
//! onto a tmpfs first (they are small). Everything the namespace mounts disappears with
//! its last process: nothing is mounted on this machine's own tree.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The shell side of the sandbox: `sh -c SCRIPT sh WORK TREE EXTRA PROGRAM ARGS...`, with
/// `NFL_EXACT` (container directories to show exactly as materialized), `NFL_MKDIRS`
/// (directories to create) and `NFL_SHARED` (`HOSTDIR CONTAINERDIR` lines: one host
/// directory bind-mounted, the same for both containers) in the environment, one per line.
const SCRIPT: &str = r#"set -eu
U=$1; M=$2; X=$3; shift 3
mount -t tmpfs -o mode=0755 nfl-sandbox "$U"
mkdir -p "$U/up" "$U/work" "$U/root" "$U/m" "$U/x"
cp -a "$M/." "$U/m/"
cp -a "$X/." "$U/x/"
mount -t overlay nfl-overlay -o "lowerdir=$U/x:$U/m:/,upperdir=$U/up,workdir=$U/work" "$U/root"
for d in proc dev sys; do mount --rbind "/$d" "$U/root/$d"; done
# A container that runs as a USER gets /run owned by it: the images that do so prepare
# it in a RUN step (`chown -R nobody /run ...`), which the linter does not replay.
RUNOWNER=
if [ -n "${NFL_USERSPEC:-}" ]; then
    RUNOWNER=",uid=${NFL_USERSPEC%%:*},gid=${NFL_USERSPEC##*:}"
fi
mount -t tmpfs -o "mode=0755$RUNOWNER" nfl-run "$U/root/run"
mount -t tmpfs -o mode=1777 nfl-tmp "$U/root/tmp"
printf '%s\n' "${NFL_EXACT:-}" | while read -r p; do
    if [ -n "$p" ] && [ -d "$U/m$p" ]; then mount --bind "$U/m$p" "$U/root$p"; fi
done
printf '%s\n' "${NFL_MKDIRS:-}" | while read -r p; do
    if [ -n "$p" ]; then mkdir -p "$U/root$p"; fi
done
printf '%s\n' "${NFL_SHARED:-}" | while read -r h c; do
    if [ -n "$h" ]; then mkdir -p "$U/root$c"; mount --bind "$h" "$U/root$c"; fi
done
if [ -z "${NFL_USERSPEC:-}" ]; then exec chroot "$U/root" "$@"; fi
# Not root: this process's stdout and stderr are root's pipes, which the USER cannot
# reopen through /dev/stderr (php-fpm's error_log) as a container's could; its output
# goes through a file of its own.
exec chroot --userspec="$NFL_USERSPEC" "$U/root" sh -c \
    '"$@" >/tmp/nfl-out 2>&1; rc=$?; cat /tmp/nfl-out; exit $rc' sh "$@"
"#;

/// What one container of a deployment runs on.
pub struct Container<'a> {
    /// The materialized tree (`DIR/<n>/nginx` or `DIR/<n>/php-fpm`).
    pub tree: &'a Path,
    /// Our own top layer (see [`extra_layer`]).
    pub extra: &'a Path,
    /// An empty directory the namespace mounts its tmpfs on.
    pub work: &'a Path,
    /// Container directories shown exactly as materialized (hiding this machine's).
    pub exact: Vec<String>,
    /// Container directories to create (after `/run` is fresh).
    pub mkdirs: Vec<String>,
    /// Host directories bind-mounted at container directories (shared volumes).
    pub shared: Vec<(PathBuf, String)>,
    /// `uid:gid` the program runs as (the container's `USER`), root when None.
    pub userspec: Option<String>,
}

impl Container<'_> {
    /// The command that runs `program args` in this container, inside network namespace
    /// `netns` when given.
    pub fn command(&self, netns: Option<&str>, program: &[&str]) -> Command {
        let mut cmd = match netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns, "unshare"]);
                c
            }
            None => Command::new("unshare"),
        };
        // No --fork: unshare, sh and chroot exec in turn, so the child's pid is the
        // program's own (the guard that kills it kills the server).
        cmd.args(["-m", "--propagation", "private", "sh", "-c", SCRIPT, "sh"])
            .arg(self.work)
            .arg(self.tree)
            .arg(self.extra)
            .args(program)
            .env("NFL_EXACT", self.exact.join("\n"))
            .env("NFL_MKDIRS", self.mkdirs.join("\n"))
            .env(
                "NFL_SHARED",
                self.shared
                    .iter()
                    .map(|(h, c)| format!("{} {c}", h.display()))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
            .env("NFL_USERSPEC", self.userspec.clone().unwrap_or_default())
            .stdin(Stdio::null());
        cmd
    }
}

/// Runs a command with a bound on its time (`timeout` kills it after 30 s).
///
/// # Panics
/// When `timeout` cannot be run.
pub fn bounded(cmd: Command) -> Output {
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let envs: Vec<_> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned())))
        .collect();
    let mut t = Command::new("timeout");
    t.args(["-k", "5", "30"]).arg(program).args(args).envs(envs);
    t.output().expect("timeout runs")
}

/// The real `nginx -t` and `php-fpm8.2 -t` on one materialized deployment, each in its
/// container (their host names resolve to 127.0.0.1, the image's users exist, each runs
/// as its container's `USER`): (nginx's output, php-fpm's output), `None` for a side
/// the deployment does not have. `scratch` is a fresh directory of the deployment's own.
///
/// # Panics
/// On an I/O error in `scratch` (a test's own temp dir).
pub fn test_deployment(d: &Deployment, scratch: &Path) -> (Option<Output>, Option<Output>) {
    let extra = scratch.join("extra");
    let mut names = d.fpm_names.clone();
    names.extend(d.other_names.iter().cloned());
    extra_layer(&extra, &[("127.0.0.1".to_string(), names)], &image_users(d));
    let run = |side: &str, main: &str, run_as: &Option<String>, program: &[&str]| {
        let work = scratch.join(format!("{side}-mnt"));
        std::fs::create_dir_all(&work).expect("mount point");
        let tree = d.dir.join(side);
        let c = Container {
            tree: &tree,
            extra: &extra,
            work: &work,
            exact: vec![parent(main)],
            mkdirs: Vec::new(),
            shared: Vec::new(),
            userspec: run_as.as_ref().and_then(|u| userspec(&extra, u)),
        };
        bounded(c.command(None, program))
    };
    let nginx = d
        .nginx_main
        .as_ref()
        .map(|main| run("nginx", main, &d.nginx_run_as, &["nginx", "-t", "-c", main]));
    let fpm = d.fpm_main.as_ref().map(|main| {
        let mut args = vec!["php-fpm8.2", "-t", "--fpm-config", main.as_str()];
        if let Some(prefix) = fpm_prefix(main) {
            args.extend(["--prefix", prefix]);
        }
        run("php-fpm", main, &d.fpm_run_as, &args)
    });
    (nginx, fpm)
}

/// Writes our top layer under `dir`: `/etc/hosts` (each address with its names),
/// `/etc/nsswitch.conf` (files only: a name we did not map must not be found through this
/// machine's DNS), and this machine's `/etc/passwd` and `/etc/group` plus the `users` the
/// images have and this machine may lack (`nginx` of the official nginx image ...).
pub fn extra_layer(dir: &Path, hosts: &[(String, Vec<String>)], users: &[String]) {
    let etc = dir.join("etc");
    std::fs::create_dir_all(&etc).expect("extra layer");
    let mut text = String::from("127.0.0.1 localhost\n");
    for (addr, names) in hosts {
        if !names.is_empty() {
            text.push_str(&format!("{addr} {}\n", names.join(" ")));
        }
    }
    std::fs::write(etc.join("hosts"), text).expect("hosts");
    std::fs::write(
        etc.join("nsswitch.conf"),
        "passwd: files\ngroup: files\nshadow: files\nhosts: files\n",
    )
    .expect("nsswitch");
    let mut passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let mut group = std::fs::read_to_string("/etc/group").unwrap_or_default();
    for (i, user) in users.iter().enumerate() {
        let id = 61_000 + i;
        if !passwd.lines().any(|l| l.split(':').next() == Some(user)) {
            passwd.push_str(&format!(
                "{user}:x:{id}:{id}:{user}:/nonexistent:/usr/sbin/nologin\n"
            ));
        }
        if !group.lines().any(|l| l.split(':').next() == Some(user)) {
            group.push_str(&format!("{user}:x:{id}:\n"));
        }
    }
    std::fs::write(etc.join("passwd"), passwd).expect("passwd");
    std::fs::write(etc.join("group"), group).expect("group");
}

/// The php-fpm prefix of the image the main file comes from: the official `php:*-fpm`
/// images are built with `--prefix=/usr/local` (their `php-fpm.conf` includes
/// `etc/php-fpm.d/*.conf` relative to it); Alpine's and Debian's packages use `/usr`,
/// which is this machine's php-fpm8.2 default.
pub fn fpm_prefix(main: &str) -> Option<&'static str> {
    main.starts_with("/usr/local/").then_some("/usr/local")
}

/// The deployment.json fields the tests use.
pub struct Deployment {
    /// Its index (`DIR/<n>`).
    pub index: String,
    /// The materialized directory `DIR/<n>`.
    pub dir: PathBuf,
    /// nginx's main file, when the deployment has nginx.
    pub nginx_main: Option<String>,
    /// nginx's worker user.
    pub nginx_user: Option<String>,
    /// The user nginx's container runs as (its `USER`), when not root.
    pub nginx_run_as: Option<String>,
    /// The user php-fpm's container runs as, when not root.
    pub fpm_run_as: Option<String>,
    /// php-fpm's main file, when the deployment has php-fpm.
    pub fpm_main: Option<String>,
    /// Host names that reach php-fpm's container.
    pub fpm_names: Vec<String>,
    /// The other host names of the deployment.
    pub other_names: Vec<String>,
    /// nginx and php-fpm share one network namespace.
    pub shared_loopback: bool,
    /// Directories both containers see: (nginx's path, php-fpm's path).
    pub shared_dirs: Vec<(String, String)>,
}

/// The deployments materialized under `dir`, by index.
pub fn deployments(dir: &Path) -> Vec<Deployment> {
    // A layout whose files are all templates has no deployment, and no directory.
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Deployment> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path().join("deployment.json")).ok()?;
            let j: serde_json::Value = serde_json::from_str(&text).expect("deployment.json");
            let s = |v: &serde_json::Value| v.as_str().map(str::to_string);
            let names = |k: &str| -> Vec<String> {
                j[k].as_array()
                    .map(|a| a.iter().filter_map(s).collect())
                    .unwrap_or_default()
            };
            Some(Deployment {
                index: e.file_name().to_string_lossy().into_owned(),
                dir: e.path(),
                nginx_main: s(&j["nginx"]["main"]),
                nginx_user: s(&j["nginx"]["nginx_user"]),
                nginx_run_as: s(&j["nginx"]["run_as"])
                    .filter(|u| !u.is_empty() && u != "root" && u != "0"),
                fpm_run_as: s(&j["php-fpm"]["run_as"])
                    .filter(|u| !u.is_empty() && u != "root" && u != "0"),
                fpm_main: s(&j["php-fpm"]["main"]),
                fpm_names: names("fpm_names"),
                other_names: names("other_names"),
                shared_loopback: j["shared_loopback"].as_bool().unwrap_or(false),
                shared_dirs: j["shared_dirs"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|p| Some((s(&p[0])?, s(&p[1])?)))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.index.cmp(&b.index));
    out
}

/// The parent directory of a container path (`/etc/nginx` for `/etc/nginx/nginx.conf`).
pub fn parent(path: &str) -> String {
    Path::new(path)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "/".into())
}

/// The users the images bring (the official nginx image's `nginx`, the php images'
/// `www-data`) and nginx's worker user of this deployment.
pub fn image_users(d: &Deployment) -> Vec<String> {
    let mut users = vec!["nginx".to_string(), "www-data".to_string()];
    for u in [&d.nginx_user, &d.nginx_run_as, &d.fpm_run_as]
        .into_iter()
        .flatten()
    {
        // `USER 1000` or `USER 1000:1000` names ids, which need no account.
        let name = u.split(':').next().unwrap_or(u);
        if !users.iter().any(|x| x == name) && !name.chars().all(|c| c.is_ascii_digit()) {
            users.push(name.to_string());
        }
    }
    users
}

/// `uid:gid` of a container's `USER` (`name`, `name:group`, `uid` or `uid:gid`), looked up
/// in our layer's /etc/passwd and /etc/group: chroot would look names up outside.
pub fn userspec(extra: &Path, user: &str) -> Option<String> {
    let passwd = std::fs::read_to_string(extra.join("etc/passwd")).ok()?;
    let group = std::fs::read_to_string(extra.join("etc/group")).ok()?;
    let (u, g) = match user.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (user, None),
    };
    let entry = passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 3 && (f[0] == u || f[2] == u));
    let uid = match &entry {
        Some(f) => f[2].to_string(),
        None if u.chars().all(|c| c.is_ascii_digit()) => u.to_string(),
        None => return None,
    };
    let gid = match g {
        Some(g) if g.chars().all(|c| c.is_ascii_digit()) => g.to_string(),
        Some(g) => group
            .lines()
            .map(|l| l.split(':').collect::<Vec<_>>())
            .find(|f| f.len() > 2 && f[0] == g)?[2]
            .to_string(),
        None => entry
            .map(|f| f[3].to_string())
            .unwrap_or_else(|| uid.clone()),
    };
    Some(format!("{uid}:{gid}"))
}

/// Why the sandbox cannot run here, if it cannot: not root, or no unshare, overlayfs,
/// nginx or php-fpm8.2.
pub fn unavailable() -> Option<String> {
    if let Err(why) = crate::real_binaries(&["nginx", "php-fpm8.2"]) {
        return Some(why);
    }
    for tool in ["unshare", "chroot"] {
        let ok = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Some(format!("{tool} is not available"));
        }
    }
    // Root without CAP_SYS_ADMIN (an unprivileged container) cannot make mount namespaces.
    let unshare = Command::new("unshare")
        .args(["-m", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !unshare {
        return Some("`unshare -m` fails (no CAP_SYS_ADMIN?)".into());
    }
    // The definitive probe of overlayfs (mounting also loads the module where needed).
    let Ok(probe) = tempfile::tempdir() else {
        return Some("no temporary directory".into());
    };
    for sub in ["l", "u", "w", "m"] {
        if std::fs::create_dir(probe.path().join(sub)).is_err() {
            return Some("no temporary directory".into());
        }
    }
    let p = probe.path().display();
    let overlay = Command::new("unshare")
        .args(["-m", "mount", "-t", "overlay", "nfl-probe", "-o"])
        .arg(format!("lowerdir={p}/l,upperdir={p}/u,workdir={p}/w"))
        .arg(format!("{p}/m"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !overlay {
        return Some("overlayfs cannot be mounted here".into());
    }
    None
}

/// True when the suite can run; otherwise prints why and skips, except in CI, where it
/// must run.
pub fn available_or_skip(suite: &str, extra: Option<String>) -> bool {
    match unavailable().or(extra) {
        None => true,
        Some(reason) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{suite} must run in CI: {reason}")
        }
        Some(reason) => {
            eprintln!("skipping {suite}: {reason}");
            false
        }
    }
}
