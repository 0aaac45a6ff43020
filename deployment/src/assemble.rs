//! From evidence to deployments: containers from Compose services, Dockerfiles
//! and Kubernetes pods; repository files placed at their targets; loose files
//! placed where their image or distribution would keep them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_rules::Network;
use lint_source::vfs::FileSystem;

use crate::ci_builds;
use crate::compose::{self, ComposeMount};
use crate::container_fs::{ContainerFs, Mount, Source};
use crate::dockerfile;
use crate::repository::{self, RepoFile, Role};
use crate::stock::{self, Image};
use crate::{Assembled, Deployment, Side};

/// A container as the evidence describes it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Container {
    pub name: String,
    pub image_ref: String,
    pub image: Image,
    pub mounts: Vec<Mount>,
    pub names: Vec<String>,
    /// The Compose networks the service joins (`default` unless it names others; empty
    /// outside Compose).
    pub networks: Vec<String>,
    pub shares_network_of: Option<String>,
    /// Containers that share this one's loopback (a Kubernetes pod's).
    pub pod: Option<String>,
    pub command: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub links: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub templates: Vec<(PathBuf, PathBuf)>,
    /// Files a Dockerfile `RUN` edits after they are in place, in ways not modelled.
    pub changed_at_build: Vec<PathBuf>,
    /// The `RUN sed -i` / `echo >>` edits that are modelled: files are read with them.
    pub build_edits: Vec<crate::build_edits::FileEdit>,
    /// The mounts the image's build placed (`mounts[start..end]`): a mount outside them is
    /// added at run time (a Compose volume, a ConfigMap) and hides the build's edits.
    pub image_layers: Option<(usize, usize)>,
    /// Users a Dockerfile `RUN` puts into groups, as (group, user).
    pub group_members: Vec<(String, String)>,
    /// A Dockerfile `RUN` of the image creates accounts.
    pub adds_accounts: bool,
    /// Directories the image's build may have written into with `RUN` (`git clone URL .`).
    pub run_written: Vec<PathBuf>,
    /// Symbolic links a Dockerfile `RUN ln -s` makes, as (link, target).
    /// Third-party modules its Dockerfile compiles nginx with (`--add-module=`).
    pub built_modules: Vec<String>,
    /// nginx compiled from source by its Dockerfile: its main file, prefix and user.
    pub nginx_build: Option<crate::nginx_build::SourceBuild>,
    pub symlinks: Vec<(PathBuf, PathBuf)>,
    /// The repository Dockerfile that builds this container's image.
    pub built_from: Option<PathBuf>,
    /// The user the container's processes start as (`USER`, compose `user:`).
    pub run_as: Option<String>,
    /// Ports published beyond the deployment's network.
    pub published: Vec<lint_rules::Published>,
    /// The Kubernetes Services that name this container's pod, with their ports.
    pub service_ports: Vec<lint_rules::ServicePorts>,
    /// The image is an application's, only assumed to be built on the official php-fpm
    /// one (`roundcube/roundcubemail:latest-fpm`): what it keeps besides that layout (the
    /// application its entrypoint copies to /var/www/html) is not known.
    pub app_image: bool,
    /// The image's php-fpm files are guessed (see [`stock::fpm_layout_guessed`]).
    pub fpm_layout_guessed: bool,
    /// The Dockerfile whose build this container's image is (any way it was found).
    pub dockerfile: Option<PathBuf>,
    /// Targets of mounts the container takes from another service (`volumes_from`): the
    /// other service's files, no evidence of what this one runs.
    pub inherited_mounts: Vec<PathBuf>,
    /// Loose repository files standing for a host's packages (systemd starts them), not a
    /// container.
    pub host: bool,
    /// The nginx.conf that includes the sites is a stand-in (loose site files with no
    /// nginx.conf of the repository's: the image's or distribution's own is read in its
    /// place): the `map`s, `upstream`s and `log_format`s the real one defines are not seen.
    pub includer_unknown: bool,
    /// Names its /etc/hosts adds, as (name, address): Compose `extra_hosts`, a
    /// Kubernetes pod's `hostAliases`. nginx resolves them at start like any other.
    pub extra_hosts: Vec<(String, String)>,
    /// A distribution's php-fpm package the Dockerfile installs beside the base image's
    /// own php-fpm (`php:8.3-fpm-alpine` + `apk add php83-fpm`), as (its binary's name,
    /// its files): the base's stays the one assumed unless the container starts that
    /// binary (see [`Container::with_started_fpm`]).
    pub package_fpm: Option<(String, Image)>,
}

impl Container {
    /// Whether the image is the official nginx one (or built on it), whose entrypoint's
    /// `20-envsubst-on-templates.sh` renders /etc/nginx/templates. An image that installs
    /// nginx from its distribution and keeps templates there renders them itself
    /// (mdcnick/railway-wordpress: a second, phantom copy of the site made a false
    /// duplicate default server).
    fn renders_nginx_templates(&self) -> bool {
        self.image
            .nginx
            .is_some_and(|set| set.name.starts_with("nginx-official"))
    }

    /// The image's `group` lines with the memberships its Dockerfile adds (a repeated
    /// group line adds members to the first, as a second database does).
    fn group_text(&self) -> String {
        let mut text = self.image.group.to_string();
        for (group, user) in &self.group_members {
            text.push_str(&format!("{group}:x::{user}\n"));
        }
        text
    }

    fn command_text(&self) -> String {
        self.command.join(" ")
    }

    /// Whether repository files land under `prefix`. A volume there (markshust's php
    /// container mounts a certificates volume at /etc/nginx/certs) brings no configuration.
    /// The official php image, with no nginx installed or named, that has nginx's files
    /// only through a volume it shares with nginx's container (mailcow's php-fpm writes
    /// snippets into nginx's conf.d): that is no nginx of its own. A Dockerfile that copies
    /// nginx configuration into its image (shinsenter's phpfpm-nginx images) means one.
    fn only_shares_nginx_files(&self) -> bool {
        let official_php = self.image.nginx.is_none()
            && self
                .image
                .fpm
                .is_some_and(|set| set.name.starts_with("php-official"));
        let copied = self.mounts.iter().any(|m| {
            (m.target.starts_with("/etc/nginx") || Path::new("/etc/nginx").starts_with(&m.target))
                && m.why.contains("COPY")
        });
        official_php && !copied && !self.image_ref.contains("nginx")
    }

    fn mounts_under(&self, prefix: &str) -> bool {
        self.mounts.iter().any(|m| {
            m.target.starts_with(prefix)
                && matches!(
                    m.source,
                    Source::File(_) | Source::Dir { .. } | Source::Bytes { .. }
                )
        }) || !self.placed_config(prefix, true).is_empty()
    }

    /// Repository files this container's layers place under `prefix` that are nginx
    /// (`nginx`) or php-fpm configuration, as (container path, host path): those of a
    /// directory copied onto a parent (`COPY rootfs/ /` with rootfs/etc/nginx) included.
    fn placed_config(&self, prefix: &str, nginx: bool) -> Vec<(PathBuf, PathBuf)> {
        let prefix = Path::new(prefix);
        let wanted = |host: &Path| match repository::classify_path(host) {
            Some(Role::Nginx { .. }) => nginx,
            Some(Role::Fpm { .. }) => !nginx,
            _ => false,
        };
        let mut out = Vec::new();
        for m in &self.mounts {
            match &m.source {
                Source::File(host) if m.target.starts_with(prefix) && wanted(host) => {
                    out.push((m.target.clone(), host.clone()));
                }
                Source::Dir { host, .. } => {
                    // The part of the directory that lands under the prefix.
                    let start = match prefix.strip_prefix(&m.target) {
                        Ok(rest) => host.join(rest),
                        Err(_) if m.target.starts_with(prefix) => host.clone(),
                        Err(_) => continue,
                    };
                    if !start.is_dir() {
                        continue;
                    }
                    for entry in walkdir::WalkDir::new(&start)
                        .max_depth(4)
                        .follow_links(false)
                        .sort_by_file_name()
                        .into_iter()
                        .filter_map(Result::ok)
                        .filter(|e| e.file_type().is_file())
                        .take(200)
                    {
                        if let Ok(rel) = entry.path().strip_prefix(host) {
                            if wanted(entry.path()) {
                                out.push((m.target.join(rel), entry.path().to_path_buf()));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Calls `visit` with the text of each file the repository places in this container
    /// or renders from a template (at most 200 per mounted folder), until it returns true.
    fn any_placed_text(&self, mut visit: impl FnMut(&str) -> bool) -> bool {
        let mut files: Vec<PathBuf> = self.templates.iter().map(|(h, _)| h.clone()).collect();
        for m in &self.mounts {
            match &m.source {
                Source::File(host) => files.push(host.clone()),
                Source::Bytes { bytes, .. } if visit(&String::from_utf8_lossy(bytes)) => {
                    return true;
                }
                Source::Dir { host, .. } => files.extend(
                    walkdir::WalkDir::new(host)
                        .max_depth(4)
                        .follow_links(false)
                        .into_iter()
                        .filter_map(Result::ok)
                        .filter(|e| e.file_type().is_file())
                        .take(200)
                        .map(walkdir::DirEntry::into_path),
                ),
                _ => {}
            }
        }
        files
            .iter()
            .any(|path| std::fs::read_to_string(path).is_ok_and(|t| visit(&t)))
    }

    /// Whether a file the repository places in this container (or renders from a
    /// template) has a `fastcgi_pass` outside comments.
    fn names_fastcgi_pass(&self) -> bool {
        self.any_placed_text(|text| {
            text.lines()
                .map(str::trim_start)
                .any(|l| !l.starts_with('#') && l.contains("fastcgi_pass"))
        })
    }

    /// The host names this container's nginx files send FastCGI to: each `fastcgi_pass`
    /// host and each upstream `server` host, read from the text. `None` when one is not
    /// a plain name (a variable): then any php-fpm may be the one.
    fn fastcgi_hosts(&self) -> Option<BTreeSet<String>> {
        let mut hosts = BTreeSet::new();
        let mut unknown = false;
        self.any_placed_text(|text| {
            let uncommented: String = text
                .lines()
                .map(|l| l.split('#').next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            for statement in uncommented.split([';', '{', '}']) {
                let mut words = statement.split_whitespace();
                let target = match (words.next(), words.next()) {
                    (Some("fastcgi_pass"), Some(t)) => t,
                    // An upstream member (`server {` opens a block: one word here).
                    (Some("server"), Some(t)) => t,
                    _ => continue,
                };
                let target = target.trim_matches(['"', '\'']);
                if target.contains('$') {
                    unknown = true;
                    return true;
                }
                if target.starts_with("unix:") || target.is_empty() {
                    continue;
                }
                let host = match target.strip_prefix('[') {
                    Some(v6) => v6.split(']').next().unwrap_or(v6),
                    None => target.split(':').next().unwrap_or(target),
                };
                hosts.insert(host.to_ascii_lowercase());
            }
            false
        });
        (!unknown).then_some(hosts)
    }

    /// Whether the container's command starts the image's servers: no command of its own,
    /// or a process supervisor, or an entrypoint script; `php artisan` or `composer` does not.
    fn command_keeps_servers(&self) -> bool {
        // `CMD ["-R"]` under the php image's entrypoint runs `php-fpm -R`.
        let command = self.php_entrypoint_command();
        let Some(first) = command.first() else {
            return true;
        };
        let program = first.rsplit('/').next().unwrap_or(first);
        const SUPERVISORS: &[&str] = &[
            "supervisord",
            "runsvdir",
            "s6-svscan",
            "init",
            "tini",
            "dumb-init",
            "sh",
            "bash",
            // Alpine's and Debian's /bin/sh (`ENTRYPOINT ["/bin/ash", "script.sh"]`,
            // pterodactyl/panel).
            "ash",
            "dash",
            "entrypoint.sh",
            "docker-entrypoint.sh",
            "docker-php-entrypoint",
            "start.sh",
            "run.sh",
            "/init",
            "start-container",
        ];
        SUPERVISORS.contains(&program)
            || program.ends_with(".sh")
            || program.starts_with("php-fpm")
            || program.starts_with("nginx")
            || self.start_script_starts_servers(first)
    }

    /// Whether `program` is a script the repository places in the image (any name:
    /// mondediefr/docker-flarum's `/usr/local/bin/startup` from `COPY rootfs /`) that
    /// starts the servers or a supervisor, or hands over to the command it is given.
    fn start_script_starts_servers(&self, program: &str) -> bool {
        let Some(text) = self.placed_script(program) else {
            return false;
        };
        text.starts_with("#!")
            && [
                "nginx",
                "php-fpm",
                "s6-svscan",
                "supervisord",
                "runsvdir",
                "exec \"$@\"",
            ]
            .iter()
            .any(|w| text.contains(w))
    }

    /// The user the start script drops to before it starts the servers: `exec su-exec
    /// 991:991 s6-svscan /etc/s6.d` (mondediefr/docker-flarum), `gosu www-data
    /// supervisord`, `s6-setuidgid`, `chpst -u`. Like `USER`, every process of the
    /// container then runs as that user.
    fn start_script_user(&self) -> Option<String> {
        let program = self.command.first()?;
        let text = self.placed_script(program)?;
        const DROPS: &[&str] = &["su-exec", "gosu", "s6-setuidgid", "setpriv"];
        const STARTS: &[&str] = &["s6-svscan", "supervisord", "runsvdir", "nginx", "php-fpm"];
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            for (i, w) in words.iter().enumerate() {
                let tool = w.rsplit('/').next().unwrap_or(w);
                let user = if DROPS.contains(&tool) {
                    words.get(i + 1).copied()
                } else if tool == "chpst" && words.get(i + 1) == Some(&"-u") {
                    words.get(i + 2).copied()
                } else {
                    continue;
                };
                let Some(user) = user.filter(|u| !u.starts_with('-')) else {
                    continue;
                };
                let starts = words.iter().skip(i + 1).any(|w| {
                    let p = w.rsplit('/').next().unwrap_or(w);
                    STARTS.iter().any(|s| p.starts_with(s))
                });
                if starts {
                    // `"${UID}:${GID}"` with the image's `ENV UID=991`.
                    let mut user = user.trim_matches(|c| c == '"' || c == '\'').to_string();
                    for (k, v) in &self.env {
                        user = user
                            .replace(&format!("${{{k}}}"), v)
                            .replace(&format!("${k}"), v);
                    }
                    let user = user.split(':').next().unwrap_or(&user).to_string();
                    return (!user.contains('$')).then_some(user);
                }
            }
        }
        None
    }

    /// The text (first 64 KiB) of a script the repository places at `program` in the image.
    fn placed_script(&self, program: &str) -> Option<String> {
        if !program.starts_with('/') {
            // `ENTRYPOINT ["docker-entrypoint.sh"]` runs the script from PATH.
            if program.contains('/') {
                return None;
            }
            return [
                "/usr/local/sbin",
                "/usr/local/bin",
                "/usr/sbin",
                "/usr/bin",
                "/sbin",
                "/bin",
            ]
            .iter()
            .find_map(|dir| self.placed_script(&format!("{dir}/{program}")));
        }
        let program = Path::new(program);
        // A `RUN cp /ops/files/entrypoint.sh /entrypoint.sh` of a file the build COPYed
        // (PM-Connect/docker-php-nginx): the script is the copied file, as it was placed.
        let copied = self.build_edits.iter().rev().find_map(|e| match &e.op {
            crate::build_edits::Op::CopyFrom(src) if e.path == program => Some(src.clone()),
            _ => None,
        });
        if let Some(src) = copied.filter(|src| src != program) {
            let src = src.to_string_lossy().into_owned();
            return self
                .mounts
                .iter()
                .rev()
                .find_map(|m| match &m.source {
                    Source::File(host) if m.target == Path::new(&src) => Some(host.clone()),
                    _ => None,
                })
                .and_then(|host| script_head(&host));
        }
        // The last layer that places the path wins.
        let host = self.mounts.iter().rev().find_map(|m| match &m.source {
            Source::File(host) if m.target == program => Some(host.clone()),
            Source::Dir { host, .. } => program
                .strip_prefix(&m.target)
                .ok()
                .map(|rest| host.join(rest))
                .filter(|h| h.is_file()),
            _ => None,
        });
        script_head(&host?)
    }

    /// Whether the command runs one of the application's side jobs (cron, a scheduler, a
    /// queue worker) rather than its servers: `/cron.sh`, `supercronic`, `crond -f`,
    /// `php artisan queue:work`, `bin/console messenger:consume`. Such a container often
    /// shares the php-fpm image (friendica's `cron` service: same build, `entrypoint:
    /// /cron.sh`) but answers no FastCGI request.
    fn runs_side_job(&self) -> bool {
        // mautic's `mautic_cron` and `mautic_worker` services run the fpm image with a
        // role in their environment (`DOCKER_MAUTIC_ROLE=mautic_cron`), no command.
        let role = self.env.iter().any(|(k, v)| {
            let v = v.to_ascii_lowercase();
            k.to_ascii_uppercase().ends_with("ROLE")
                && ["cron", "worker", "scheduler", "queue"]
                    .iter()
                    .any(|job| v.contains(job))
        });
        if role {
            return true;
        }
        if self.command.is_empty() {
            return false;
        }
        // `sh -c "while :; do php artisan schedule:run; sleep 60; done"` is read for the
        // words of its script (Dommmin/laravel-production's scheduler).
        let words: Vec<String> = self
            .own_commands()
            .into_iter()
            .next()
            .unwrap_or_default()
            .iter()
            .map(|w| w.rsplit('/').next().unwrap_or(w).to_ascii_lowercase())
            .collect();
        // A command that names php-fpm itself starts it, whatever else it runs beside.
        if words.iter().any(|w| w.starts_with("php-fpm")) {
            return false;
        }
        const JOBS: &[&str] = &[
            "queue:work",
            "queue:listen",
            "schedule:run",
            "schedule:work",
            "horizon",
            "messenger:consume",
            "worker",
            "scheduler",
        ];
        words.iter().any(|w| {
            let stem = w.trim_end_matches(".sh").trim_end_matches(".php");
            stem.contains("cron")
                || JOBS.contains(&stem)
                || stem.ends_with("-worker")
                || stem.ends_with("_worker")
                || stem.starts_with("worker-")
                || stem.starts_with("worker_")
                || stem.starts_with("queue")
        })
    }

    /// Whether the container's command is a start script of the repository that hands
    /// over to nothing (no `exec "$@"`, no supervisor) and starts `other` but not
    /// `program`: a script that only runs nginx, in an image that also has php-fpm (one
    /// image, two Compose services, nginx's with `entrypoint: [/etc/nginx/entrypoint.sh]`),
    /// does not start php-fpm. (A script that starts neither, a cron job, is judged
    /// elsewhere.)
    fn script_starts_only(&self, other: &str, program: &str) -> bool {
        let Some(text) = self.start_script() else {
            return false;
        };
        const HANDS_OVER: &[&str] = &[
            "$@",
            "supervisord",
            "s6-svscan",
            "runsvdir",
            "/init",
            "s6-overlay",
        ];
        // php-fpm under its package names too: `service php7.4-fpm start`, `php-fpm82`.
        let names = |p: &str| text.contains(if p == "php-fpm" { "fpm" } else { p });
        // Whole words: `/init` is s6's, not the `/init.conf.tpl` a script renders
        // (nochlezhka/mks's nginx entrypoint).
        let hands_over = HANDS_OVER.iter().any(|h| match *h {
            "/init" => text
                .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '"' | '\''))
                .any(|w| w == "/init"),
            _ => text.contains(h),
        });
        self.command.len() == 1 && !hands_over && names(other) && !names(program)
    }

    /// Whether the command runs `program` itself, and so nothing else (`php-fpm -F`:
    /// an image with nginx installed beside it does not start nginx then).
    fn command_is(&self, program: &str) -> bool {
        self.command
            .first()
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .is_some_and(|p| p.starts_with(program))
    }

    pub(crate) fn runs_nginx(&self) -> bool {
        let cmd = self.command_text();
        (self.image.nginx.is_some()
            && self.command_keeps_servers()
            && !self.command_is("php-fpm")
            && !self.script_starts_only("php-fpm", "nginx"))
            || cmd
                .split_whitespace()
                .any(|w| w.rsplit('/').next().unwrap_or(w).starts_with("nginx"))
            // A mount under /etc/nginx is evidence of nginx, except in the official php
            // image that installs none: php:*-fpm has no nginx, whatever folder it shares
            // with one (mailcow's php-fpm container writes nginx snippets into conf.d).
            || (self.command_keeps_servers()
                && {
                    let c = self.own_mounts();
                    c.mounts_under("/etc/nginx") && !c.only_shares_nginx_files()
                })
    }

    /// The command line that starts nginx in a container built on the official php image
    /// that never installs nginx (thePITmanSolutions' `php:8.2-fpm` image, whose
    /// entrypoint ends `php-fpm -D; nginx -g "daemon off;"`): the start fails with
    /// `nginx: not found` (exit status 127). The official php image has no nginx, and
    /// nothing of the build may add one: no nginx package, no source build, no `RUN` or
    /// `COPY --from` that names nginx, no `COPY --from` of another image at all. Any
    /// other base image, or a build this reading cannot follow, says nothing.
    fn nginx_started_not_installed(&self, repo: &Path) -> Option<String> {
        if self.image.nginx.is_some() || self.nginx_build.is_some() {
            return None;
        }
        let base = self
            .image_ref
            .split(" (built by")
            .next()
            .unwrap_or_default();
        let (name, _) = stock::official_name_and_tag(base)?;
        if name != "php" {
            return None;
        }
        if let Some(dockerfile) = self.dockerfile.as_ref().or(self.built_from.as_ref()) {
            let text = std::fs::read_to_string(dockerfile).ok()?;
            let joined = text.replace("\\\n", " ");
            let may_add = joined.lines().map(str::trim_start).any(|line| {
                let upper = line.to_ascii_uppercase();
                (upper.starts_with("RUN") && line.contains("nginx"))
                    || (upper.starts_with("COPY") || upper.starts_with("ADD"))
                        && line.contains("--from")
            });
            if may_add {
                return None;
            }
        }
        let starts = |words: &Vec<String>| {
            let words: Vec<&str> = words
                .iter()
                .map(String::as_str)
                .skip_while(|w| matches!(*w, "exec" | "nohup" | "command"))
                .collect();
            words
                .first()
                .is_some_and(|w| w.rsplit('/').next() == Some("nginx"))
        };
        let supervised = self.supervised_commands(&*self.fs(repo));
        let line = self
            .own_commands()
            .into_iter()
            .chain(supervised)
            .find(|words| starts(words))?;
        Some(format!(
            "{}: `{}` starts nginx, but the image ({base}, the official php image) has no nginx and its build installs none: the start fails (`nginx: not found` from sh, `nginx: command not found` from bash: exit status 127)",
            self.name,
            line.join(" ")
        ))
    }

    /// A container whose php-fpm we cannot read but whose name or image says PHP
    /// (`name: php`, `image: ghcr.io/acme/laravel-php:latest`): in a pod with nginx, that
    /// is where nginx's `127.0.0.1:9000` goes.
    fn looks_like_php(&self) -> bool {
        let image = self.image_ref.rsplit('/').next().unwrap_or(&self.image_ref);
        let image = image.split([':', '@']).next().unwrap_or(image);
        [self.name.as_str(), image].iter().any(|w| {
            let w = w.to_ascii_lowercase();
            (w.contains("php") || w.contains("fpm"))
                && !w.contains("exporter")
                && !stock::fronts_fpm(&w)
        })
    }

    /// The container as it runs when its command, its start script or the supervisord it
    /// starts names the binary of the php-fpm package its Dockerfile installs beside the
    /// base image's own (pabloripoll/docker-wordpress: `php:8.3-fpm-alpine`, `apk add
    /// php83-fpm`, supervisord's `command=php-fpm83 -F`): that php-fpm reads the
    /// package's tree (/etc/php83/php-fpm.conf), and the official image's
    /// /usr/local/etc is never read. `None` when nothing starts it.
    fn with_started_fpm(&self, repo: &Path) -> Option<Container> {
        let (binary, packages) = self.package_fpm.as_ref()?;
        let starts = |words: &Vec<String>| {
            words
                .iter()
                .any(|w| w.rsplit('/').next() == Some(binary.as_str()))
        };
        let started = self.own_commands().iter().any(starts)
            || self.supervised_commands(&*self.fs(repo)).iter().any(starts);
        if !started {
            return None;
        }
        let mut c = self.clone();
        c.image.fpm = packages.fpm;
        c.image.fpm_extra = packages.fpm_extra;
        c.image.fpm_main = packages.fpm_main.clone();
        c.image.moves.extend(packages.moves.iter().cloned());
        c.fpm_layout_guessed = false;
        c.package_fpm = None;
        Some(c)
    }

    pub(crate) fn runs_fpm(&self) -> bool {
        let cmd = self.command_text();
        (self.image.fpm.is_some()
            && self.command_keeps_servers()
            && !self.command_is("nginx")
            && !self.script_starts_only("nginx", "php-fpm"))
            || names_fpm(&cmd)
            || (self.command_keeps_servers() && {
                let c = self.own_mounts();
                c.mounts.iter().any(|m| {
                    let t = m.target.to_string_lossy();
                    t.contains("php-fpm.d") || t.contains("/fpm/pool.d")
                }) || (c.image.fpm.is_none() && !c.image_fpm_files().is_empty())
            })
    }

    /// The container with only the mounts that are its own, not those `volumes_from`
    /// takes from another service (nlzet/docker-lemp-stack's `backup` service mounts every
    /// volume of nginx and the php services: their files are no evidence that it runs
    /// nginx or php-fpm). Borrowed when nothing is inherited.
    fn own_mounts(&self) -> std::borrow::Cow<'_, Container> {
        if self.inherited_mounts.is_empty() {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut own = self.clone();
        own.mounts
            .retain(|m| !self.inherited_mounts.contains(&m.target));
        std::borrow::Cow::Owned(own)
    }

    /// php-fpm files a container of an unknown image gets from the repository, wherever
    /// its usual trees are (`/etc/php*`, `/usr/local/etc`, Remi's software collections'
    /// `/etc/opt/remi/php72`).
    fn image_fpm_files(&self) -> Vec<(PathBuf, PathBuf)> {
        let mut out = self.placed_config("/usr/local/etc", false);
        out.extend(
            self.placed_config("/etc", false)
                .into_iter()
                .filter(|(t, _)| {
                    let t = t.to_string_lossy();
                    t.starts_with("/etc/php") || t.starts_with("/etc/opt/remi/php")
                }),
        );
        out
    }

    /// The repository's php-fpm.conf an image this data does not know gets in one of
    /// php-fpm's trees (a CentOS image with Remi's php72: `ADD php-fpm.conf
    /// /etc/opt/remi/php72/php-fpm.conf`): the main file there, when it is the only one.
    fn placed_fpm_main(&self) -> Option<PathBuf> {
        if self.image.fpm.is_some() {
            return None;
        }
        let mains: Vec<PathBuf> = self
            .image_fpm_files()
            .into_iter()
            .filter(|(target, host)| {
                target.file_name().is_some_and(|n| n == "php-fpm.conf")
                    && matches!(
                        repository::classify_path(host),
                        Some(Role::Fpm { main: true })
                    )
            })
            .map(|(target, _)| target)
            .collect();
        match <[PathBuf; 1]>::try_from(mains) {
            Ok([main]) => Some(main),
            Err(_) => None,
        }
    }

    /// The command lines the container runs itself, each as words: its command (the
    /// script of `sh -c "php-fpm -D && nginx -c /app/nginx.conf"` read for its own words),
    /// then the lines of the start script it runs.
    fn own_commands(&self) -> Vec<Vec<String>> {
        let shell = self
            .command
            .first()
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .is_some_and(|p| matches!(p, "sh" | "bash" | "ash" | "dash"));
        let direct = if shell && self.command.get(1).is_some_and(|w| w == "-c") {
            let script = self.command.get(2).map(String::as_str).unwrap_or("");
            crate::supervisord::words(script)
        } else {
            self.php_entrypoint_command()
        };
        std::iter::once(direct)
            .chain(self.start_script_commands())
            .collect()
    }

    /// The command as the official php image's `docker-php-entrypoint` runs it: arguments
    /// that start with `-` are php-fpm's (`set -- php-fpm "$@"` in its fpm variants), so
    /// `ENTRYPOINT ["docker-php-entrypoint", "--allow-to-run-as-root"]` and, under the
    /// image's own entrypoint, `CMD ["-R"]` run `php-fpm -R` (moodle-containers).
    fn php_entrypoint_command(&self) -> Vec<String> {
        let mut words = self.command.as_slice();
        let named = words
            .first()
            .is_some_and(|w| w.rsplit('/').next() == Some("docker-php-entrypoint"));
        if named {
            words = &words[1..];
        }
        let base = self
            .image_ref
            .split(" (built by")
            .next()
            .unwrap_or_default();
        let php_fpm_image = stock::official_name_and_tag(base)
            .is_some_and(|(name, tag)| name == "php" && tag.contains("fpm"));
        match words.first() {
            Some(first) if first.starts_with('-') && (named || php_fpm_image) => {
                std::iter::once("php-fpm".to_string())
                    .chain(words.iter().cloned())
                    .collect()
            }
            _ => self.command.clone(),
        }
    }

    /// The argument of `flag` given to `program` in the command (`php-fpm -y FILE`,
    /// `nginx -c FILE`); a supervisord `-c` is not nginx's.
    fn command_arg(&self, program: &str, flags: &[&str]) -> Option<PathBuf> {
        self.own_commands()
            .iter()
            .find_map(|words| arg_of(words, program, flags))
    }

    /// Whether the container starts `program` with one of `flags` (`php-fpm -R`), on its
    /// command line or in its start script.
    fn command_flag(&self, program: &str, flags: &[&str]) -> bool {
        self.own_commands()
            .iter()
            .any(|words| flag_of(words, program, flags))
    }

    /// Whether this container's php-fpm master starts as root, as far as the files say:
    /// its image is one that runs as root (the official php image, whose `CMD` is
    /// `php-fpm`; Debian, Ubuntu, Alpine starting php-fpm by name) and php-fpm is the
    /// command itself. A supervisor's program, a start script, or a base image this data
    /// does not know may switch users: not claimed.
    fn fpm_starts_as_root(&self) -> bool {
        let base = self
            .image_ref
            .split(" (built by")
            .next()
            .unwrap_or_default();
        let Some((name, tag)) = stock::official_name_and_tag(base) else {
            return false;
        };
        let program = |w: &String| {
            let p = w.rsplit('/').next().unwrap_or(w);
            p.starts_with("php-fpm") || (p.starts_with("php") && p.ends_with("-fpm"))
        };
        let first = self.command.first();
        let names_fpm = first.is_some_and(program)
            || (first.is_some_and(|w| w.ends_with("docker-php-entrypoint"))
                && self.command.get(1).is_some_and(program));
        match name.as_str() {
            // The official image: `CMD ["php-fpm"]` in its fpm variants, no `USER`.
            "php" => (self.command.is_empty() && tag.contains("fpm")) || names_fpm,
            "debian" | "ubuntu" | "alpine" => names_fpm,
            _ => false,
        }
    }

    /// The programs supervisord starts, when the container's command runs it (`-c FILE`,
    /// else its default files); none otherwise.
    fn supervised_commands(&self, fs: &dyn FileSystem) -> Vec<Vec<String>> {
        let is_supervisord = |w: &String| w.rsplit('/').next().unwrap_or(w) == "supervisord";
        let runs_supervisord = self.command.is_empty()
            || self.command.iter().any(is_supervisord)
            || self
                .start_script_commands()
                .iter()
                .any(|words| words.iter().any(is_supervisord));
        if !runs_supervisord {
            return Vec::new();
        }
        let config = self.command_arg("supervisord", &["-c", "--configuration"]);
        crate::supervisord::program_commands(fs, config.as_deref())
    }

    /// The `user=` supervisord starts `program` as (davidsiaw/alpine-nginx-php's
    /// `[program:php-fpm] user=nginx`), when the container runs supervisord.
    fn supervised_user(&self, fs: &dyn FileSystem, program: &str) -> Option<String> {
        let runs = self.supervised_commands(fs);
        if runs.is_empty() {
            return None;
        }
        let config = self.command_arg("supervisord", &["-c", "--configuration"]);
        crate::supervisord::programs(fs, config.as_deref())
            .into_iter()
            .find(|p| program_at(&p.command, program).is_some())
            .and_then(|p| p.user)
    }

    /// [`Container::command_flag`] of the program as supervisord starts it.
    fn supervised_flag(&self, fs: &dyn FileSystem, program: &str, flags: &[&str]) -> bool {
        self.supervised_commands(fs)
            .iter()
            .any(|words| flag_of(words, program, flags))
    }

    /// The commands of the start script the container runs, when the repository places
    /// it (`CMD ["/start.sh"]` whose last line is `exec /usr/bin/supervisord -n -c
    /// /etc/supervisord.conf`: richarvey/nginx-php-fpm), one list of words per line,
    /// comments left out.
    fn start_script_commands(&self) -> Vec<Vec<String>> {
        let Some(text) = self.start_script() else {
            return Vec::new();
        };
        // `$NAME`s the container's environment (a Dockerfile's `ENV`, Compose's
        // `environment:`) and the script's own plain assignments set are read as their
        // values: codemonauts' craft-cms-dev-env starts `nginx -c
        // /etc/nginx/nginx-"$PHPVERSION".conf` with `ENV PHPVERSION="8.1"` (read as
        // written, nginx.conf was "$PHPVERSION", a false NGX004).
        let mut vars = self.env.clone();
        let mut out = Vec::new();
        for line in text.lines().map(str::trim_start) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match shell_assignment(line) {
                Some((name, Some(value))) => {
                    vars.insert(name.to_string(), value);
                    continue;
                }
                // A value this reading cannot tell (`$(hostname)`) is unknown, not the one
                // the environment gave.
                Some((name, None)) => {
                    vars.remove(name);
                    continue;
                }
                None => {}
            }
            let line = if line.contains('$') {
                crate::build_edits::expand_known(line, &vars)
            } else {
                line.to_string()
            };
            out.push(crate::supervisord::words(&line));
        }
        out
    }

    /// The php-fpm files of a guessed image layout the repository does not place itself
    /// (container paths): the official php image's, taken for an image that may not keep
    /// them.
    fn guessed_fpm_files(&self) -> Vec<PathBuf> {
        if !self.fpm_layout_guessed {
            return Vec::new();
        }
        let placed = |path: &Path| {
            self.mounts.iter().any(|m| {
                m.target == path
                    || (matches!(m.source, Source::Dir { .. }) && path.starts_with(&m.target))
            })
        };
        [self.image.fpm, self.image.fpm_extra]
            .into_iter()
            .flatten()
            .flat_map(|set| set.files.iter().map(|(path, _)| PathBuf::from(path)))
            .filter(|path| !placed(path))
            .collect()
    }

    /// The start script the container runs, when the repository places it (a `#!`
    /// script named by the command's first word).
    fn start_script(&self) -> Option<String> {
        // The official nginx image's entrypoint runs the `/docker-entrypoint.d/*.sh` hooks
        // a repository places there before nginx starts (humhub's renders nginx.conf in
        // place with envsubst and creates the file of allowed addresses it includes).
        let hooks = self.entrypoint_hooks();
        let own = self.command_script();
        match (hooks.is_empty(), own) {
            (true, own) => own,
            (false, None) => Some(hooks),
            (false, Some(own)) => Some(format!("{hooks}\n{own}")),
        }
    }

    /// The texts of the `*.sh` hooks the repository places in `/docker-entrypoint.d/`, in
    /// the order the official nginx image's entrypoint runs them (by name), when that
    /// entrypoint runs: the image is nginx's own and its command starts nginx.
    fn entrypoint_hooks(&self) -> String {
        let starts_nginx = self.command.first().is_none_or(|c| {
            let program = c.rsplit('/').next().unwrap_or(c);
            matches!(program, "nginx" | "nginx-debug" | "docker-entrypoint.sh")
        });
        if !self.renders_nginx_templates() || !starts_nginx {
            return String::new();
        }
        let hooks_dir = Path::new("/docker-entrypoint.d");
        let mut hooks: BTreeMap<String, PathBuf> = BTreeMap::new();
        for m in &self.mounts {
            match &m.source {
                Source::File(host) if m.target.parent() == Some(hooks_dir) => {
                    let name = m
                        .target
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned());
                    if let Some(name) = name.filter(|n| n.ends_with(".sh")) {
                        hooks.insert(name, host.clone());
                    }
                }
                Source::Dir { host, .. } if m.target == hooks_dir => {
                    let Ok(entries) = std::fs::read_dir(host) else {
                        continue;
                    };
                    for e in entries.filter_map(Result::ok).take(64) {
                        let name = e.file_name().to_string_lossy().into_owned();
                        if name.ends_with(".sh") && e.path().is_file() {
                            hooks.insert(name, e.path());
                        }
                    }
                }
                _ => {}
            }
        }
        let mut text = String::new();
        for host in hooks.values() {
            // The entrypoint skips a hook that is not executable ("Ignoring ..., not
            // executable"); git keeps the bit, so the repository's file says.
            use std::os::unix::fs::PermissionsExt;
            let executable =
                std::fs::metadata(host).is_ok_and(|m| m.permissions().mode() & 0o111 != 0);
            if !executable {
                continue;
            }
            if let Some(head) = script_head(host) {
                text.push_str(&head);
                text.push('\n');
            }
        }
        text
    }

    /// The repository files placed directly in the container's folder `dir` (by a file
    /// mount or COPY into it, or inside a folder placed at or above it), by name, the last
    /// layer winning; at most 64.
    fn placed_files_in(&self, dir: &Path) -> Vec<PathBuf> {
        let mut by_name: BTreeMap<std::ffi::OsString, PathBuf> = BTreeMap::new();
        for m in &self.mounts {
            match &m.source {
                Source::File(host) if m.target.parent() == Some(dir) => {
                    if let Some(name) = m.target.file_name() {
                        by_name.insert(name.to_os_string(), host.clone());
                    }
                }
                Source::Dir { host, .. } => {
                    let Ok(rest) = dir.strip_prefix(&m.target) else {
                        continue;
                    };
                    let Ok(entries) = std::fs::read_dir(host.join(rest)) else {
                        continue;
                    };
                    for e in entries.filter_map(Result::ok).take(64) {
                        if e.path().is_file() {
                            by_name.insert(e.file_name(), e.path());
                        }
                    }
                }
                _ => {}
            }
        }
        by_name.into_values().take(64).collect()
    }

    /// The script the container's command runs, if the repository places it. An init
    /// that only reaps and hands over (`ENTRYPOINT ["/sbin/tini", "--"]`, dumb-init,
    /// catatonit) runs its operands: City-of-Helsinki's drupal images start `tini --
    /// entrypoint`.
    fn command_script(&self) -> Option<String> {
        self.script_of_command(&self.command)
    }

    /// The absolute path of the script the container's command runs (after an init that
    /// only hands over), whether or not the repository places it.
    fn command_script_path(&self) -> Option<PathBuf> {
        let init = |w: &str| {
            matches!(
                w.rsplit('/').next().unwrap_or(w),
                "tini" | "tini-static" | "dumb-init" | "catatonit"
            )
        };
        let mut words = self.command.iter().map(String::as_str).peekable();
        if words.peek().is_some_and(|w| init(w)) {
            words.next();
            while words.peek().is_some_and(|w| w.starts_with('-')) {
                words.next();
            }
        }
        let first = words.next()?;
        (first.starts_with('/') && first.ends_with(".sh")).then(|| PathBuf::from(first))
    }

    /// [`Container::command_script`] of the command `command`.
    fn script_of_command(&self, command: &[String]) -> Option<String> {
        let init = |w: &str| {
            matches!(
                w.rsplit('/').next().unwrap_or(w),
                "tini" | "tini-static" | "dumb-init" | "catatonit"
            )
        };
        if command.first().is_some_and(|w| init(w)) {
            let start = command.iter().skip(1).position(|w| !w.starts_with('-'))?;
            return self.script_of_command(&command[1 + start..]);
        }
        // `["/bin/sh", "/app/docker-entrypoint.sh"]` runs the script as `[script]` does
        // (lukkas-lukkas/php-nginx: the supervisord it starts runs `php-fpm -y www.conf`,
        // which was missed); a script run through a shell needs no `#!`.
        let shell = command
            .first()
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .is_some_and(|p| matches!(p, "sh" | "bash" | "ash" | "dash"));
        if shell {
            // `sh -c "envsubst < site.template > conf.d/default.conf && exec nginx ..."`
            // (nginx's Docker Hub recipe before its templates folder, in a Compose
            // `command:` or a Dockerfile's shell-form CMD): the text after `-c` is the
            // script.
            // Options come before the script: `-c` (or `-ec`, `-lc`) among them means the
            // next word is the script's text; the first operand is otherwise a script file
            // (whose own arguments, `nginx -c nginx.conf`, are not the shell's).
            let mut words = command.iter().skip(1);
            while let Some(w) = words.next() {
                if !w.starts_with('-') {
                    return self.placed_script(w);
                }
                if !w.starts_with("--") && w.contains('c') {
                    // The text may itself run a script the repository places (`ENTRYPOINT
                    // exporter ... & /entrypoint.sh`, Docker's shell form: PM-Connect's
                    // entrypoint renders php-fpm.conf and the pool with envsubst): its
                    // lines follow the text.
                    let text = words.next()?;
                    let mut out = text.clone();
                    for script in scripts_run_by(text)
                        .iter()
                        .filter_map(|program| self.placed_script(program))
                        .filter(|t| t.starts_with("#!"))
                    {
                        out.push('\n');
                        out.push_str(&script);
                    }
                    return Some(out);
                }
            }
            return None;
        }
        let first = command
            .first()
            .and_then(|program| self.placed_script(program))
            .filter(|t| t.starts_with("#!"));
        if first.is_some()
            || !command
                .iter()
                .any(|w| matches!(w.as_str(), "&" | "&&" | ";"))
        {
            return first;
        }
        // A shell-form command of several (`ENTRYPOINT exporter ... & /entrypoint.sh`,
        // which Docker runs with `/bin/sh -c`): the script a later one runs.
        scripts_run_by(&command.join(" "))
            .iter()
            .filter_map(|program| self.placed_script(program))
            .find(|t| t.starts_with("#!"))
    }

    /// The environment the servers a start script runs inherit: the container's, with what
    /// the script's top level exports over it (`export A=1`; `A=${A:="100M"}` then `export
    /// A`; a variable of the environment assigned again, which stays exported;
    /// `: ${A:=v}`). kristophjunge/docker-mediawiki's entrypoint exports
    /// `MEDIAWIKI_MAX_UPLOAD_SIZE` with a default of 100M before starting supervisord, and
    /// its php.ini reads `upload_max_filesize = ${MEDIAWIKI_MAX_UPLOAD_SIZE}`: without the
    /// default the limit was read as empty. A value the reading cannot tell (`A=$(cmd)`)
    /// leaves the environment's as it was: read as unset, php-fpm's `${A}` would be empty.
    fn start_script_env(&self) -> BTreeMap<String, String> {
        let Some(text) = self.start_script() else {
            return self.env.clone();
        };
        let mut shell: BTreeMap<String, Option<String>> = self
            .env
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        let mut exported: std::collections::BTreeSet<String> = self.env.keys().cloned().collect();
        let name_ok = |n: &str| {
            !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !n.starts_with(|c: char| c.is_ascii_digit())
        };
        // `${NAME:=v}` / `${NAME:-v}` of a literal default, else a literal without `$`.
        let value_of = |value: &str, shell: &BTreeMap<String, Option<String>>| -> Option<String> {
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            if let Some(inner) = value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
                let (other, default) = inner.split_once(":=").or_else(|| inner.split_once(":-"))?;
                let default = default.trim_matches(|c| c == '"' || c == '\'');
                if !name_ok(other) || default.contains(['$', '`']) {
                    return None;
                }
                return Some(match shell.get(other) {
                    Some(Some(v)) if !v.is_empty() => v.clone(),
                    Some(None) => return None,
                    _ => default.to_string(),
                });
            }
            (!value.contains(['$', '`', ' '])).then(|| value.to_string())
        };
        for line in top_level_lines(&text) {
            // `: ${NAME:=v}` assigns NAME its default when unset or empty.
            if let Some(inner) = line
                .strip_prefix(": ")
                .map(|r| r.trim().trim_matches('"'))
                .and_then(|r| r.strip_prefix("${"))
                .and_then(|r| r.strip_suffix('}'))
            {
                if let Some((name, default)) = inner.split_once(":=") {
                    let default = default.trim_matches(|c| c == '"' || c == '\'');
                    if name_ok(name) && !default.contains(['$', '`']) {
                        let unset = !matches!(shell.get(name), Some(Some(v)) if !v.is_empty());
                        if unset && !matches!(shell.get(name), Some(None)) {
                            shell.insert(name.to_string(), Some(default.to_string()));
                        }
                    }
                }
                continue;
            }
            let (export, rest) = match line.strip_prefix("export ") {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            // `export A B`: marks them exported.
            if export && !rest.contains('=') {
                for name in rest.split_whitespace().filter(|n| name_ok(n)) {
                    exported.insert(name.to_string());
                }
                continue;
            }
            if crate::supervisord::words(rest).len() != 1 {
                continue;
            }
            let Some((name, value)) = rest.split_once('=') else {
                continue;
            };
            if !name_ok(name) {
                continue;
            }
            let value = value_of(value, &shell);
            shell.insert(name.to_string(), value);
            if export {
                exported.insert(name.to_string());
            }
        }
        exported
            .into_iter()
            .filter_map(|name| match shell.get(&name) {
                Some(Some(v)) => Some((name, v.clone())),
                _ => self.env.get(&name).map(|v| (name, v.clone())),
            })
            .collect()
    }

    /// The symbolic links the start script makes (`ln -s TARGET LINK`), its `$NAME`s read
    /// from the container's environment and the script's own plain assignments; a link
    /// whose paths keep a variable is left out.
    fn start_script_links(&self, script: Option<&str>) -> Vec<(PathBuf, PathBuf)> {
        let Some(text) = script.filter(|t| t.contains("ln ")) else {
            return Vec::new();
        };
        let mut vars = self.env.clone();
        let mut links = Vec::new();
        for line in text.lines().map(str::trim) {
            // `NAME=value`, `export NAME="value"`: later lines see it.
            let assignment = line.strip_prefix("export ").unwrap_or(line);
            if let Some((name, value)) = assignment.split_once('=') {
                let value = value.trim_matches(|c| c == '"' || c == '\'');
                if !name.is_empty()
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && !value.contains(['$', ' ', '`'])
                {
                    vars.insert(name.to_string(), value.to_string());
                    continue;
                }
            }
            if !line.contains("ln ") {
                continue;
            }
            let line = crate::build_edits::expand_known(line, &vars);
            links.extend(
                crate::dockerfile::symlinks_made(&line, Path::new("/"))
                    .into_iter()
                    .filter(|(link, target)| {
                        !link.to_string_lossy().contains('$')
                            && !target.to_string_lossy().contains('$')
                    }),
            );
        }
        links
    }

    /// Whether the container's start renders `${NAME:-default}` placeholders: a script
    /// it runs (its command, the official images' `/docker-entrypoint.d/`, an entrypoint
    /// of the repository) calls envplate (`ep`), dockerize or gomplate (Lagoon's nginx
    /// image: `ep /etc/nginx/*`). Without one, nginx reads the placeholder as written.
    /// `Some(true)` when the renderer is envplate, whose rendering is known (see
    /// [`crate::repository::render_envplate`]).
    fn shell_defaults_renderer(&self) -> Option<bool> {
        let calls_renderer = |text: &str| {
            text.lines().find_map(|line| {
                let line = line.trim_start();
                if line.starts_with('#') {
                    return None;
                }
                line.split(['&', ';', '|']).find_map(|part| {
                    let word = part.split_whitespace().next().unwrap_or("");
                    let program = word.rsplit('/').next().unwrap_or(word);
                    match program {
                        "ep" | "envplate" => Some(true),
                        "dockerize" | "gomplate" => Some(false),
                        _ => None,
                    }
                })
            })
        };
        if let Some(envplate) = calls_renderer(&self.command_text()) {
            return Some(envplate);
        }
        // The start script the repository places, and the scripts it runs from a folder
        // (`for i in /entrypoints/*; do . $i; done`, `run-parts /etc/entrypoint.d`):
        // City-of-Helsinki's drupal images copy `files/` onto `/`, and the
        // `/usr/local/bin/entrypoint` it holds sources `/entrypoints/20-prepare-nginx.sh`,
        // whose `ep /etc/nginx/http.d/default.conf` renders the site (read as written, its
        // `root ${WEBROOT:-/var/www/html/public};` was a false NGX014).
        if let Some(script) = self.command_script() {
            if let Some(envplate) = calls_renderer(&script) {
                return Some(envplate);
            }
            let run_from_folder = script_folders_run(&script).into_iter().find_map(|dir| {
                self.placed_files_in(&dir)
                    .iter()
                    .find_map(|host| script_head(host).and_then(|t| calls_renderer(&t)))
            });
            if run_from_folder.is_some() {
                return run_from_folder;
            }
        } else if let Some(path) = self.command_script_path() {
            // A start script of the base image, not in the repository, that runs a folder
            // of scripts the repository fills (Lagoon's `/lagoon/entrypoints.sh` runs
            // `/lagoon/entrypoints/*`, LeStatV/k8s-php-fpm-drupal places
            // `70-php-config.sh` there: `ep /usr/local/etc/php-fpm.d/*`): the folder named
            // like the script (`X.sh` → `X/`, `X.d/`).
            let stem = path.with_extension("");
            let folders = [stem.clone(), PathBuf::from(format!("{}.d", stem.display()))];
            let from_folder = folders.iter().filter(|d| **d != path).find_map(|dir| {
                self.placed_files_in(dir)
                    .iter()
                    .find_map(|host| script_head(host).and_then(|t| calls_renderer(&t)))
            });
            if from_folder.is_some() {
                return from_folder;
            }
        }
        self.mounts.iter().find_map(|m| {
            let script = m.target.starts_with("/docker-entrypoint.d")
                || m.target
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("entrypoint"))
                || self
                    .command
                    .first()
                    .is_some_and(|c| m.target == Path::new(c));
            match &m.source {
                Source::File(host) if script => std::fs::read_to_string(host)
                    .ok()
                    .and_then(|t| calls_renderer(&t)),
                Source::Dir { host, .. } if m.target.starts_with("/docker-entrypoint.d") => {
                    std::fs::read_dir(host).ok().and_then(|entries| {
                        entries.filter_map(Result::ok).find_map(|e| {
                            std::fs::read_to_string(e.path())
                                .ok()
                                .and_then(|t| calls_renderer(&t))
                        })
                    })
                }
                _ => None,
            }
        })
    }

    /// The files the start script deletes before the servers start (`rm -f
    /// /etc/nginx/sites-enabled/default`, the Debian-nginx idiom, or `unlink`): absolute
    /// paths, and patterns matched against the image's stock files and the files placed
    /// in the container. Only deletions the script always makes: not inside `if`, `case`,
    /// a loop or a function (ddev removes its sites only when a folder is mounted), and
    /// not of a path the script then writes again (`rm -rf conf.d && cp -r /mnt/x
    /// conf.d`: what is there then is not known, and the repository's files stay read).
    fn start_script_removals(&self, script: Option<&str>) -> Vec<PathBuf> {
        let Some(text) = script.filter(|t| t.contains("rm ") || t.contains("unlink ")) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let mut depth = 0usize;
        for (n, line) in lines.iter().enumerate() {
            if line.starts_with('#') {
                continue;
            }
            let first = line.split_whitespace().next().unwrap_or("");
            let opens = matches!(first, "if" | "case" | "for" | "while" | "until")
                || line.ends_with("{") && line.contains("()");
            let closes = matches!(first, "fi" | "esac" | "done" | "}" | "fi;" | "done;");
            if closes {
                depth = depth.saturating_sub(1);
            }
            if opens {
                // `if [ -d x ]; then rm ...; fi` on one line opens and closes.
                let one_line =
                    line.ends_with("fi") || line.ends_with("done") || line.ends_with("esac");
                if !one_line {
                    depth += 1;
                }
                continue;
            }
            if depth > 0 {
                continue;
            }
            let later = lines[n..].join("\n");
            for part in line.split(['&', ';', '|']) {
                let mut words = part.split_whitespace();
                if !matches!(words.next(), Some("rm" | "unlink")) {
                    continue;
                }
                for w in words.map(|w| w.trim_matches(['"', '\''])) {
                    if !w.starts_with('/') || w.contains('$') || w.contains('`') {
                        continue;
                    }
                    // Filled again later with content from elsewhere (`cp -r /mnt/x`, `mv`,
                    // `rsync`, an archive): the links and renders the script makes are
                    // followed, these are not.
                    let dir = w
                        .split(['*', '?', '['])
                        .next()
                        .unwrap_or(w)
                        .trim_end_matches('/');
                    let rewritten = later.split(['&', ';', '|', '\n']).any(|p| {
                        let p = p.trim_start();
                        ["cp ", "mv ", "rsync ", "tar ", "unzip ", "git "]
                            .iter()
                            .any(|c| p.starts_with(c))
                            && p.contains(dir)
                    });
                    if rewritten {
                        continue;
                    }
                    if !lint_source::vfs::has_glob(w) {
                        out.push(PathBuf::from(w));
                        continue;
                    }
                    let stock = self
                        .image
                        .sets()
                        .flat_map(|s| s.files.iter())
                        .map(|(path, _)| PathBuf::from(path));
                    let placed = self.mounts.iter().map(|m| m.target.clone());
                    out.extend(
                        stock
                            .chain(placed)
                            .filter(|path| lint_source::vfs::glob_matches(w, path)),
                    );
                }
            }
        }
        out
    }

    /// The lines the start script appends to files with `echo`/`printf ... >> FILE`, by
    /// file in script order: only commands at the top level of the script (not inside
    /// `if`, `for`, `while` or `case`, which may not run), whose whole line is modelled
    /// exactly ([`crate::build_edits::parse_run`]: no variable, no substitution) and that
    /// only append. Anything else leaves the file "made by the start script", unknown.
    fn start_script_appends(script: Option<&str>) -> Vec<(PathBuf, Vec<crate::build_edits::Op>)> {
        let Some(text) = script else {
            return Vec::new();
        };
        let mut out: Vec<(PathBuf, Vec<crate::build_edits::Op>)> = Vec::new();
        // Files another line writes or appends to in a way not followed here: their
        // content is not known, appended lines or not.
        let mut spoiled: Vec<PathBuf> = Vec::new();
        let mut depth = 0usize;
        for (n, line) in text.lines().map(str::trim).enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let first = line
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_end_matches(';');
            let opens = matches!(first, "if" | "for" | "while" | "until" | "case")
                || line.ends_with('{')
                || line.ends_with("()");
            let closes_here = ["fi", "done", "esac", "}"]
                .iter()
                .any(|c| line.ends_with(c) || line.ends_with(&format!("{c};")));
            let accepted = if opens || depth > 0 || line.contains(['$', '`']) {
                None
            } else {
                let edits =
                    crate::build_edits::parse_run(line, &BTreeMap::new(), Path::new("/"), n + 1);
                (edits.complete
                    && edits.unmodelled.is_empty()
                    && !edits.edits.is_empty()
                    && edits
                        .edits
                        .iter()
                        .all(|e| matches!(e.op, crate::build_edits::Op::Append(_))))
                .then_some(edits.edits)
            };
            match accepted {
                Some(edits) => {
                    for e in edits {
                        if ["/dev", "/proc", "/tmp"]
                            .iter()
                            .any(|d| e.path.starts_with(d))
                        {
                            continue;
                        }
                        match out.iter_mut().find(|(p, _)| *p == e.path) {
                            Some((_, ops)) => ops.push(e.op),
                            None => out.push((e.path, vec![e.op])),
                        }
                    }
                }
                None if line.contains('>') => {
                    spoiled.extend(Self::start_script_creates(Some(line)));
                }
                None => {}
            }
            // Nesting, so that the commands of a block that may not run are not taken.
            if opens && !closes_here {
                depth += 1;
            } else if !opens && matches!(first, "fi" | "done" | "esac" | "}") {
                depth = depth.saturating_sub(1);
            }
        }
        out.retain(|(path, _)| !spoiled.contains(path));
        out
    }

    /// Files the start script creates with content not read here: `touch FILE` and the
    /// target of an output redirection (`echo "allow $IP;" >> FILE`, `printf ... > FILE`),
    /// absolute and without variables; `/dev`, `/proc` and `/tmp` are left out, and so are
    /// the files an `envsubst` renders (those are read, see
    /// [`Container::start_script_renders`]). Conditional commands count too: the file may
    /// be there, and "no such file" would be a guess.
    fn start_script_creates(script: Option<&str>) -> Vec<PathBuf> {
        let Some(text) = script else {
            return Vec::new();
        };
        let mut out: Vec<PathBuf> = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.starts_with('#') || line.contains("envsubst") {
                continue;
            }
            // Words of the whole line (a quoted `;` in `echo "allow x;" > FILE` is no
            // separator); a command starts after `;`, `&&`, `||` and `|`.
            let words = crate::supervisord::words(line);
            let mut targets: Vec<&str> = Vec::new();
            let mut at_start = true;
            let mut touch = false;
            let mut iter = words.iter().map(String::as_str);
            while let Some(w) = iter.next() {
                if at_start && !w.starts_with('>') {
                    touch = w == "touch";
                    at_start = false;
                    continue;
                }
                if matches!(w, ";" | "&&" | "||" | "|") {
                    at_start = true;
                    continue;
                }
                // (A quoted argument's `;`, `"allow 10.0.0.1;"`, ends no command.)
                let w = match w.strip_suffix(';').filter(|_| !w.contains(' ')) {
                    Some(rest) => {
                        at_start = true;
                        rest
                    }
                    None => w,
                };
                if w == ">" || w == ">>" {
                    if let Some(t) = iter.next() {
                        at_start |= t.ends_with(';');
                        targets.push(t.trim_end_matches(';'));
                    }
                } else if let Some(path) = w.strip_prefix(">>").or_else(|| w.strip_prefix('>')) {
                    targets.push(path);
                } else if touch && w.starts_with('/') {
                    targets.push(w);
                }
            }
            for t in targets {
                let path = PathBuf::from(t);
                let skip = !t.starts_with('/')
                    || t.contains(['$', '`', '*'])
                    || ["/dev", "/proc", "/tmp"]
                        .iter()
                        .any(|d| path.starts_with(d));
                if !skip && !out.contains(&path) {
                    out.push(path);
                }
            }
        }
        out
    }

    /// The container's files as the image and `mounts` place them, read from `repo`.
    fn filesystem(&self, mounts: Vec<Mount>, repo: &Path) -> ContainerFs {
        ContainerFs::with_moves(
            &self.image_ref,
            self.image.sets().collect(),
            &self.image.moves,
            mounts,
            repo.to_path_buf(),
        )
    }

    /// The files the start script renders with envsubst before the servers start
    /// (`envsubst '${PHP_HOST}' < /etc/nginx/conf.d/default.conf.template >
    /// /etc/nginx/conf.d/default.conf`: the api-platform style, which replaces the nginx
    /// image's own template step), as (source, destination, variables) in container paths.
    /// A source the script made with `cp` is read where it was copied from (a file
    /// rendered in place through a temporary copy). The variables: the container's
    /// environment and the script's own assignments (`X="${X:-200M}"`), restricted to
    /// those the SHELL-FORMAT argument names when there is one.
    fn start_script_renders(
        &self,
        script: Option<&str>,
    ) -> Vec<(PathBuf, PathBuf, BTreeMap<String, String>)> {
        let Some(text) = script.filter(|t| t.contains("envsubst")) else {
            return Vec::new();
        };
        let mut vars = self.env.clone();
        let mut copies: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
        let mut out: Vec<(PathBuf, PathBuf, BTreeMap<String, String>)> = Vec::new();
        // A shell function's body runs where the function is called (see
        // `inline_functions`).
        let text = inline_functions(text);
        // Commands inside a condition or a loop may not run (sparkfabrik renders a
        // subfolder variant only when one is configured): only those at the top level of
        // the script are followed.
        for line in top_level_lines(&text) {
            // `NAME=value`, `export NAME="${NAME:-value}"`: later lines see it.
            let assignment = line.strip_prefix("export ").unwrap_or(line);
            if let Some((name, value)) = assignment.split_once('=') {
                if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    let value = value.trim_matches(|c| c == '"' || c == '\'');
                    // `${OTHER:-default}` (`export APPLICATION_ROOT="${PROJECT_DIR:-/var/app}"`,
                    // PM-Connect/docker-php-nginx) is OTHER's value, else the default.
                    let value = match value
                        .strip_prefix("${")
                        .and_then(|v| v.strip_suffix('}'))
                        .and_then(|v| v.split_once(":-").or_else(|| v.split_once(":=")))
                        .filter(|(other, default)| {
                            !other.is_empty()
                                && other
                                    .bytes()
                                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                                && !default.contains(['$', '`'])
                        }) {
                        Some((other, default)) => Some(
                            vars.get(other)
                                .cloned()
                                .unwrap_or_else(|| default.to_string()),
                        ),
                        None => (!value.contains(['$', ' ', '`'])).then(|| value.to_string()),
                    };
                    // A value this reading cannot tell (`$(hostname)`) is unknown, not
                    // the one an earlier line gave.
                    match value.filter(|v| !v.contains('$')) {
                        Some(v) => vars.insert(name.to_string(), v),
                        None => vars.remove(name),
                    };
                    continue;
                }
            }
            // `a && b`, `a; b` (`envsubst < t > default.conf; exec nginx ...`).
            for command in line.split("&&").flat_map(|c| c.split(';')).map(str::trim) {
                let words = crate::supervisord::words(command);
                match words.first().map(String::as_str) {
                    Some("cp" | "mv" | "cat") => {
                        // `cat /tmp/nginx.conf > /etc/nginx/nginx.conf`: a redirection
                        // is the destination (humhub renders in place through /tmp).
                        let mut operands: Vec<String> = Vec::new();
                        let mut iter = words[1..].iter();
                        while let Some(w) = iter.next() {
                            if w == ">" {
                                operands.extend(iter.next().cloned());
                            } else if let Some(path) = w.strip_prefix('>') {
                                operands.push(path.to_string());
                            } else if !w.starts_with('-') {
                                operands.push(w.clone());
                            }
                        }
                        let [from, to] = operands.as_slice() else {
                            continue;
                        };
                        let (from, to) = (PathBuf::from(from), PathBuf::from(to));
                        if words[0] != "cat" || command.contains('>') {
                            // What was rendered to `from` is now (also) at `to`.
                            let moved: Vec<(PathBuf, BTreeMap<String, String>)> = out
                                .iter()
                                .filter(|(_, dest, _)| *dest == from)
                                .map(|(src, _, vars)| (src.clone(), vars.clone()))
                                .collect();
                            for (src, vars) in moved {
                                out.push((src, to.clone(), vars));
                            }
                            copies.insert(to, from);
                        }
                    }
                    Some("envsubst") => {
                        let mut from = None;
                        let mut to = None;
                        let mut format = None;
                        let mut i = 1;
                        while i < words.len() {
                            let w = &words[i];
                            if let Some(path) = w.strip_prefix('<') {
                                from = if path.is_empty() {
                                    words.get(i + 1).cloned()
                                } else {
                                    Some(path.to_string())
                                };
                                i += usize::from(path.is_empty());
                            } else if let Some(path) = w.strip_prefix('>') {
                                to = if path.is_empty() {
                                    words.get(i + 1).cloned()
                                } else {
                                    Some(path.to_string())
                                };
                                i += usize::from(path.is_empty());
                            } else if !w.starts_with('-') && format.is_none() {
                                format = Some(w.clone());
                            }
                            i += 1;
                        }
                        let (Some(from), Some(to)) = (from, to) else {
                            continue;
                        };
                        if from.contains('$') || to.contains('$') || !to.starts_with('/') {
                            continue;
                        }
                        let from = PathBuf::from(from);
                        let source = copies.get(&from).cloned().unwrap_or(from);
                        // `envsubst "$defined_envs"`: a list the script computes (humhub's
                        // every `NGINX_*` variable); which names it holds is not read here,
                        // so every value of the environment is substituted.
                        let format = format.filter(|f| {
                            let name = f.trim_start_matches('$').trim_matches(['{', '}']);
                            let computed = f.starts_with('$')
                                && !name.is_empty()
                                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                                && !self.env.contains_key(name);
                            !computed
                        });
                        // An empty value is most often a Compose variable the repository
                        // leaves to an `.env` it does not have: kept as written rather than
                        // erased (`server_name ${HOSTNAME};` is not `server_name ;`).
                        let substituted: BTreeMap<String, String> = vars
                            .iter()
                            .filter(|(k, v)| {
                                !v.is_empty()
                                    && format.as_ref().is_none_or(|f| {
                                        f.contains(&format!("${k}"))
                                            || f.contains(&format!("${{{k}}}"))
                                    })
                            })
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        out.push((source, PathBuf::from(to), substituted));
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// [`Container::command_arg`] of the program as supervisord starts it, when the
    /// container's command runs supervisord (`-c FILE`, else its default files).
    fn supervised_arg(
        &self,
        fs: &dyn FileSystem,
        program: &str,
        flags: &[&str],
    ) -> Option<PathBuf> {
        self.supervised_commands(fs)
            .iter()
            .find_map(|words| arg_of(words, program, flags))
    }

    fn fs(&self, repo: &Path) -> Arc<ContainerFs> {
        let mut mounts = self.mounts.clone();
        // nginx's image renders templates/*.template into conf.d at start (envsubst).
        for (host, target) in &self.templates {
            if let Ok(text) = std::fs::read_to_string(host) {
                let rendered = envsubst(&text, &self.env);
                mounts.push(Mount {
                    guessed: false,
                    target: target.clone(),
                    source: Source::Bytes {
                        bytes: Arc::from(rendered.into_bytes()),
                        origin: Arc::from(lint_source::SourceFile::ENVSUBST_ORIGIN),
                        host: Some(host.clone()),
                        located: None,
                    },
                    why: format!(
                        "{} rendered by the image's 20-envsubst-on-templates.sh",
                        rel(host, repo)
                    ),
                });
            }
        }
        // What the start script does before the servers start, read once (its own
        // script and the image's entrypoint hooks).
        let script = self.start_script();
        let script = script.as_deref();
        // Files the start script deletes (drud's start.sh: `rm -f
        // /etc/nginx/sites-enabled/default`), before the links it makes.
        for target in self.start_script_removals(script) {
            mounts.push(Mount {
                guessed: false,
                why: "the start script's rm".to_string(),
                target,
                source: Source::Removed,
            });
        }
        // Links the start script makes before the servers start (zabbix's web images:
        // `ln -sfT /etc/zabbix/nginx.conf /etc/nginx/http.d/nginx.conf`).
        for (link, target) in self.start_script_links(script) {
            mounts.push(Mount {
                guessed: false,
                why: format!("the start script's ln -s {}", target.display()),
                target: link,
                source: Source::Link(target),
            });
        }
        // Lines the start script appends to a file of the image or the repository with a
        // plain `echo`/`printf ... >> FILE` outside any `if`/`for`/`case` (a pool setting
        // added to the stock zz-docker.conf at start): the file is read with them, as
        // the build's own appends are. Read before the build's edits, which apply after.
        let appends = Self::start_script_appends(script);
        if !appends.is_empty() {
            let built = self.filesystem(mounts.clone(), repo);
            for (target, ops) in appends {
                // A file that is not there is made by the first append: its lines are all
                // it holds. One the view cannot read stays unknown.
                let (before, host) = match built.read(&target) {
                    Ok(fetched) => (fetched.bytes.to_vec(), fetched.disk_path),
                    Err(lint_source::vfs::FsError::NotFound) => (Vec::new(), None),
                    Err(_) => continue,
                };
                let bytes = crate::build_edits::apply(&before, ops.iter());
                mounts.push(Mount {
                    guessed: false,
                    why: format!(
                        "{} with the start script's appended lines",
                        target.display()
                    ),
                    target,
                    source: Source::Bytes {
                        bytes: Arc::from(bytes),
                        origin: Arc::from("start script's echo >>"),
                        host,
                        located: None,
                    },
                });
            }
        }
        // Files the start script makes with content this reading cannot tell (`touch
        // /etc/nginx/allowedips.conf`, `echo "allow $IP;" >> ...`): they exist, unknown.
        for target in Self::start_script_creates(script) {
            let placed = mounts
                .iter()
                .any(|m| m.target == target && !matches!(m.source, Source::Removed));
            if !placed {
                mounts.push(Mount {
                    guessed: false,
                    why: "made by the start script".to_string(),
                    target,
                    source: Source::Opaque,
                });
            }
        }
        // Files the start script renders with envsubst: read from the container as built,
        // placed rendered where the script writes them.
        let renders = self.start_script_renders(script);
        if !renders.is_empty() {
            let built = self.filesystem(mounts.clone(), repo);
            for (from, to, vars) in renders {
                let Ok(fetched) = built.read(&from) else {
                    continue;
                };
                let rendered = envsubst(&String::from_utf8_lossy(&fetched.bytes), &vars);
                mounts.push(Mount {
                    guessed: false,
                    why: format!("the start script's envsubst < {}", from.display()),
                    target: to,
                    source: Source::Bytes {
                        bytes: Arc::from(rendered.into_bytes()),
                        origin: Arc::from(lint_source::SourceFile::ENVSUBST_ORIGIN),
                        host: fetched.disk_path,
                        located: None,
                    },
                });
            }
        }
        let fs = self.filesystem(mounts, repo);
        // An entrypoint script of the repository's own may render `$VAR`s of the container's
        // environment into its files (erseco/alpine-php-webserver does); names of the
        // environment written as variables in a config file are read as such placeholders.
        let own_entrypoint = self
            .command
            .first()
            .is_some_and(|w| w.ends_with(".sh") || w.contains("entrypoint"));
        // What a mount of the running container hides, the build's edits do not reach
        // (a Compose bind mount over a file the Dockerfile edited).
        let runtime_mounts: Vec<&Mount> = match self.image_layers {
            Some((start, end)) => self
                .mounts
                .iter()
                .enumerate()
                .filter(|(i, m)| (*i < start || *i >= end) && !matches!(m.source, Source::Link(_)))
                .map(|(_, m)| m)
                .collect(),
            None => Vec::new(),
        };
        let edits: Vec<crate::build_edits::FileEdit> = self
            .build_edits
            .iter()
            .filter(|e| {
                !runtime_mounts.iter().any(|m| {
                    m.target == e.path
                        || (!matches!(m.source, Source::File(_) | Source::Bytes { .. })
                            && e.path.starts_with(&m.target))
                })
            })
            .cloned()
            .collect();
        let fs = fs
            .with_placeholders(self.sed_placeholders())
            .with_build_edits(&edits)
            .with_run_written(&self.run_written);
        // envplate renders with the container's environment as known here (Compose
        // `environment:`, the Dockerfile's `ENV`) and the placeholders' defaults.
        let fs = match self.shell_defaults_renderer() {
            Some(true) => fs.with_envplate_env(self.env.clone()),
            Some(false) => fs.with_shell_defaults_rendered(true),
            None => fs,
        };
        Arc::new(if own_entrypoint {
            fs.with_envsubst(self.env.clone())
        } else {
            fs
        })
    }

    /// `{NAME}` and `<NAME>` placeholders the start script fills in with sed (`sed -i -e
    /// "s/{HTTP_INDEX_FILE}/${HTTP_INDEX_FILE}/g"`; Starbix's images `s/<UPLOAD_MAX_SIZE>/…`),
    /// each, as written with its brackets, with the value it gets: the container's
    /// environment, else the script's default (`: ${HTTP_INDEX_FILE:="index.php"}`).
    /// A placeholder whose value is not known stays as written.
    fn sed_placeholders(&self) -> BTreeMap<String, Option<String>> {
        let mut values = BTreeMap::new();
        let Some(script) = self.command.first().and_then(|p| self.placed_script(p)) else {
            return values;
        };
        // `s/\$NAME/…/` (the `$` escaped from the shell and from sed: the text `$NAME`,
        // kristophjunge/docker-mediawiki's `sed -i "s/\$PHPFPM_WORKERS_MIN/$PHPFPM_WORKERS_MIN/g"
        // /usr/local/etc/php-fpm.conf` over `pm.min_spare_servers = $PHPFPM_WORKERS_MIN`).
        let opened = script
            .match_indices("s/{")
            .chain(script.match_indices("s/<"))
            .chain(script.match_indices("s/\\$"))
            .map(|(i, _)| i);
        for i in opened {
            let dollar = script[i..].starts_with("s/\\$");
            let close = if script[i..].starts_with("s/{") {
                b'}'
            } else if dollar {
                b'/'
            } else {
                b'>'
            };
            let rest = &script[i + if dollar { 4 } else { 3 }..];
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
                .count();
            if len == 0 || rest.as_bytes().get(len) != Some(&close) {
                continue;
            }
            let name = &rest[..len];
            let placeholder = if dollar {
                format!("${name}")
            } else {
                script[i + 2..i + 3 + len + 1].to_string()
            };
            // What the `s` command writes: up to its next unescaped `/`.
            let after = &rest[len + usize::from(!dollar)..];
            let replacement = after.strip_prefix('/').map(|r| {
                let mut end = r.len();
                let mut escaped = false;
                for (at, c) in r.char_indices() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '/' | '"' | '\'' | '\n' => {
                            end = at;
                            break;
                        }
                        _ => {}
                    }
                }
                &r[..end]
            });
            let variable = |v: &str| {
                self.env
                    .get(v)
                    .cloned()
                    .or_else(|| script_default(&script, v))
                    .or_else(|| script_assignment(&script, v))
            };
            let value = match replacement {
                // A literal (`s/{T}/601/g`) is the value.
                Some(r) if !r.contains('$') && !r.contains('`') => Some(r.replace("\\/", "/")),
                // `${NAME}` or `$OTHER`: that variable's value.
                Some(r) => r
                    .strip_prefix("${")
                    .and_then(|v| v.strip_suffix('}'))
                    .or_else(|| r.strip_prefix('$'))
                    .filter(|v| v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
                    .and_then(variable),
                None => variable(name),
            };
            // A value the script computes (`$(expr ...)`) is not known: the file is not
            // read as written then (zabbix's `{FCGI_READ_TIMEOUT}` was a parse error).
            values.insert(placeholder, value);
        }
        values
    }
}

/// The default a shell script gives `name`: `${NAME:="v"}`, `${NAME:=v}`, `${NAME:-v}`.
fn script_default(script: &str, name: &str) -> Option<String> {
    for op in [":=", ":-"] {
        let open = format!("${{{name}{op}");
        if let Some(at) = script.find(&open) {
            let rest = &script[at + open.len()..];
            let end = rest.find('}')?;
            let value = rest[..end].trim_matches(|c| c == '"' || c == '\'');
            if !value.contains('$') {
                return Some(value.to_string());
            }
        }
    }
    None
}

/// The value a shell script assigns `name` as a literal (`NAME=601`, `export
/// NAME="601"`); `None` when it computes it (`$(expr …)`, `$OTHER`) or never assigns it.
fn script_assignment(script: &str, name: &str) -> Option<String> {
    script.lines().find_map(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let value = line.strip_prefix(name)?.strip_prefix('=')?;
        let value = value.split_whitespace().next().unwrap_or("");
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        (!value.contains('$') && !value.contains('`') && !value.contains('('))
            .then(|| value.to_string())
    })
}

/// The guess that an entrypoint of the repository's own renders the container's `$NAME`s
/// into its files (see `with_envsubst`), except where php-fpm reads a `$NAME` itself: the
/// whole value of a pool's `env[KEY]` (`env[DB_PASSWORD] = $DB_PASSWORD`), which php-fpm
/// takes from its own environment once the file is loaded (fpm_env.c; `php-fpm -t` passes
/// it with the variable unset or holding `=`, and refuses the same value written out:
/// "empty value", "syntax error, unexpected '='"). kristophjunge/docker-mediawiki's
/// pool: 8 false FPM004 and an FPM002.
pub(crate) fn envsubst_guess(text: &str, env: &BTreeMap<String, String>) -> String {
    if !text.contains("env[") {
        return envsubst(text, env);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if fpm_env_reads_variable(line) {
            out.push_str(line);
        } else {
            out.push_str(&envsubst(line, env));
        }
    }
    out
}

/// Whether a line is a php-fpm `env[KEY] = $NAME` (quoted or not), whose `$NAME` php-fpm
/// replaces with its own environment's value.
fn fpm_env_reads_variable(line: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix("env[") else {
        return false;
    };
    let Some((_, value)) = rest.split_once(']').and_then(|(_, r)| r.split_once('=')) else {
        return false;
    };
    let value = value.trim().trim_matches('"');
    value.strip_prefix('$').is_some_and(|name| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// envsubst as the nginx image runs it: `$NAME` / `${NAME}` of defined variables only;
/// every other `$` stays (nginx's own variables survive).
pub(crate) fn envsubst(text: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, consumed) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => (&inner[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let len = after
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            (&after[..len], len)
        };
        match env.get(name) {
            Some(v) if !name.is_empty() => {
                out.push_str(v);
                rest = &after[consumed..];
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn compose_container(
    service: &compose::Service,
    file: &Path,
    repo: &Path,
    dockerfiles: &[PathBuf],
    notes: &mut Vec<String>,
) -> Container {
    let mut c = Container {
        name: service.name.clone(),
        names: service.names.clone(),
        networks: service.networks.clone(),
        shares_network_of: service.shares_network_of.clone(),
        env: service.environment.clone(),
        links: service.links.clone(),
        extra_hosts: service.extra_hosts.clone(),
        inherited_mounts: service.inherited.clone(),
        ..Container::default()
    };
    c.names.push(service.name.clone());
    let mut command = service.entrypoint.clone();
    command.extend(service.command.iter().cloned());
    if let Some((_, dockerfile_path)) = &service.build {
        match run_dockerfile(&mut c, service, repo) {
            Some(built) => {
                if command.is_empty() {
                    command = built;
                }
            }
            None => notes.push(format!(
                "{}: service {} builds from {}, which the repository does not have",
                rel(file, repo),
                service.name,
                rel(dockerfile_path, repo)
            )),
        }
    }
    if let Some(image) = &service.image {
        if service.build.is_none() {
            set_image(&mut c, image, dockerfiles, repo);
            // Unset variables left no name (`${REGISTRY}/${IMAGE}:latest` read as
            // `/:latest`): notes show the reference as written.
            let degenerate = image.starts_with(['/', ':']) || image.contains("//");
            if let Some(written) = service.image_as_written.as_ref().filter(|_| degenerate) {
                c.image_ref = written.clone();
            }
        }
    }
    c.command = command;
    c.published = published_ports(service, file);
    if service.user.is_some() {
        c.run_as = service.user.clone();
    }
    for m in &service.mounts {
        match m {
            ComposeMount::Bind { host, target } => {
                let why = format!(
                    "{}: {} → {}",
                    rel(file, repo),
                    rel(host, repo),
                    target.display()
                );
                // The official nginx image renders /etc/nginx/templates/*.template into conf.d.
                if c.renders_nginx_templates() && target.starts_with(Templates::of(&c).dir) {
                    collect_templates(&mut c, host, target);
                }
                // A folder from outside the repository mounted over configuration the
                // image build put there (pterodactyl's `/srv/pterodactyl/nginx/` over the
                // site its Dockerfile COPYs into http.d): those files are hidden, and what
                // the folder holds is not known. Said: the site is then not linted.
                if !host.starts_with(repo) || !host.exists() {
                    let hidden: Vec<String> = c
                        .mounts
                        .iter()
                        .filter(|m| {
                            !m.guessed && m.why.contains(": COPY ") && m.target.starts_with(target)
                        })
                        .filter(|m| {
                            let t = m.target.to_string_lossy();
                            t.contains("nginx") || t.contains("php")
                        })
                        .map(|m| m.target.display().to_string())
                        .collect();
                    if !hidden.is_empty() {
                        c.notes.push(format!(
                            "{}: {} mounted at {} hides what the image's build put there ({}); what the folder holds is not known, so that is not linted",
                            rel(file, repo),
                            host.display(),
                            target.display(),
                            hidden.join(", ")
                        ));
                    }
                }
                let source = if host.is_dir() {
                    Source::Dir {
                        host: host.clone(),
                        merge: false,
                    }
                } else if host.exists() {
                    Source::File(host.clone())
                } else {
                    // A configuration file the repository does not have: Docker makes an
                    // empty directory of that name on the host and mounts it, and the
                    // pool or site it should carry is silently missing (friendica's
                    // `www.overload.conf` typo). Said unless the file is generated.
                    let config_target = target
                        .extension()
                        .is_some_and(|e| e == "conf" || e == "ini");
                    if config_target && host.starts_with(repo) {
                        c.notes.push(format!(
                            "{}: {} is not in the repository: unless something creates it first, Docker mounts an empty directory at {} and what it should configure is missing",
                            rel(file, repo),
                            rel(host, repo),
                            target.display()
                        ));
                    }
                    // Docker creates the missing directory at `up`, and every service
                    // naming the same host path shares it (a socket folder kept out of
                    // the checkout: `./socket:/sock` in nginx and php-fpm). Content
                    // unknown; shared under the key an existing directory has.
                    Source::Shared(format!("bind:{}", host.display()))
                };
                c.mounts.push(Mount {
                    guessed: false,
                    target: target.clone(),
                    source,
                    why,
                });
            }
            ComposeMount::Volume {
                name,
                target,
                copies_image,
            } => c.mounts.push(Mount {
                guessed: false,
                target: target.clone(),
                // A volume shows the image's files it was mounted over (Docker copies them
                // into it when it is first mounted empty): a named volume over `conf.d`
                // still holds the site the image COPY'd there. A tmpfs or a `nocopy`
                // volume hides them.
                source: match (name.is_empty(), *copies_image) {
                    (true, true) => Source::FromImage,
                    (true, false) => Source::Opaque,
                    (false, true) => {
                        Source::OverImage(format!("volume:{}:{name}", rel(file, repo)))
                    }
                    (false, false) => Source::Shared(format!("volume:{}:{name}", rel(file, repo))),
                },
                why: format!(
                    "{}: volume {} → {}",
                    rel(file, repo),
                    if name.is_empty() { "(anonymous)" } else { name },
                    target.display()
                ),
            }),
            ComposeMount::Content { text, target, name } => c.mounts.push(Mount {
                guessed: false,
                target: target.clone(),
                source: Source::Bytes {
                    bytes: Arc::from(text.clone().into_bytes()),
                    origin: Arc::from(format!("config {name} of {}", rel(file, repo))),
                    host: None,
                    located: None,
                },
                why: format!("{}: config {name} → {}", rel(file, repo), target.display()),
            }),
        }
    }
    c
}

/// Compose `ports:` of a service as published ports, located in the file's text.
fn published_ports(service: &compose::Service, file: &Path) -> Vec<lint_rules::Published> {
    // Most services publish nothing: the file is not read again for them.
    if service.ports.is_empty() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(file).unwrap_or_default();
    // Search from the service's own key, so that another service's identical entry is not taken.
    let from = text
        .find(&format!("\n  {}:", service.name))
        .or_else(|| text.find(&format!("{}:", service.name)))
        .unwrap_or(0);
    let mut out = Vec::new();
    for spec in &service.ports {
        let (spec_no_proto, _) = spec.split_once('/').unwrap_or((spec, ""));
        let parts: Vec<&str> = spec_no_proto.rsplitn(3, ':').collect();
        let container = parts.first().copied().unwrap_or("");
        let host_ip = if parts.len() == 3 { parts[2] } else { "" };
        let host_ip = host_ip.trim_matches(['[', ']']);
        // A range `9000-9005` publishes each port.
        let (lo, hi) = match container.split_once('-') {
            Some((a, b)) => (a.parse::<u32>().ok(), b.parse::<u32>().ok()),
            None => (container.parse::<u32>().ok(), container.parse::<u32>().ok()),
        };
        let (Some(lo), Some(hi)) = (lo, hi) else {
            continue;
        };
        // The entry as written (it may hold variables: then the `ports:` key of the service).
        let start = text[from..]
            .find(spec.as_str())
            .or_else(|| text[from..].find("ports:"))
            .map(|i| i + from)
            .unwrap_or(from);
        for port in lo..=hi.min(lo + 1000) {
            out.push(lint_rules::Published {
                file: file.to_path_buf(),
                range: (start, start + spec.len()),
                port,
                what: format!("ports: \"{spec}\" of service {}", service.name),
                loopback_only: matches!(host_ip, "127.0.0.1" | "::1" | "localhost"),
            });
        }
    }
    out
}

/// A path outside the repository, relative to it (`../data`), so that what is shown
/// does not depend on where the repository was checked out.
pub(crate) fn outside_of(path: &Path, repo: &Path) -> String {
    outside(path, repo)
}

fn outside(path: &Path, repo: &Path) -> String {
    let common = path
        .components()
        .zip(repo.components())
        .take_while(|(a, b)| a == b)
        .count();
    // Only `/` in common (`/srv/pterodactyl/var` beside a checkout in /home/me/panel):
    // the absolute path says it, `../../../srv/...` does not.
    if common <= 1 {
        return path.display().to_string();
    }
    let up = repo.components().count() - common;
    let mut out = PathBuf::new();
    for _ in 0..up {
        out.push("..");
    }
    for c in path.components().skip(common) {
        out.push(c);
    }
    out.display().to_string()
}

/// The arguments of the `include` lines of an nginx file, read as text (a repository's
/// files before any is parsed: where they are meant to land, which include which).
/// A comment after the statement (`include ssl.conf; # shared TLS`, Matomo's
/// configuration) is not part of its argument, and one line may hold several statements
/// (`server { include site.conf; }`).
fn include_args(text: &str) -> impl Iterator<Item = &str> {
    text.lines().flat_map(|line| {
        let code = line.split('#').next().unwrap_or_default();
        code.split([';', '{', '}']).filter_map(|statement| {
            let rest = statement.trim().strip_prefix("include")?;
            rest.starts_with([' ', '\t'])
                .then(|| rest.trim().trim_matches(['"', '\'']))
                .filter(|arg| !arg.is_empty())
        })
    })
}

/// Where the official nginx image's entrypoint (`20-envsubst-on-templates.sh`) finds
/// templates and writes what it renders: `NGINX_ENVSUBST_TEMPLATE_DIR`,
/// `NGINX_ENVSUBST_TEMPLATE_SUFFIX` and `NGINX_ENVSUBST_OUTPUT_DIR` of the container's
/// environment, else `/etc/nginx/templates`, `.template` and `/etc/nginx/conf.d`
/// (urre/wordpress-nginx-docker-compose names its templates `*.conf`: read as not
/// templates, its site was never linted).
struct Templates {
    dir: PathBuf,
    suffix: String,
    output: PathBuf,
}

impl Templates {
    fn of(c: &Container) -> Self {
        let var = |name: &str, default: &str| {
            c.env
                .get(name)
                .filter(|v| !v.is_empty())
                .cloned()
                .unwrap_or_else(|| default.to_string())
        };
        Templates {
            dir: PathBuf::from(var("NGINX_ENVSUBST_TEMPLATE_DIR", "/etc/nginx/templates")),
            suffix: var("NGINX_ENVSUBST_TEMPLATE_SUFFIX", ".template"),
            output: PathBuf::from(var("NGINX_ENVSUBST_OUTPUT_DIR", "/etc/nginx/conf.d")),
        }
    }
}

fn collect_templates(c: &mut Container, host: &Path, target: &Path) {
    let templates = Templates::of(c);
    let files: Vec<PathBuf> = if host.is_dir() {
        walkdir::WalkDir::new(host)
            .max_depth(4)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().to_path_buf())
            .collect()
    } else {
        vec![host.to_path_buf()]
    };
    for f in files {
        let rel = if host.is_dir() {
            f.strip_prefix(host)
                .map(Path::to_path_buf)
                .unwrap_or_default()
        } else {
            target
                .strip_prefix(&templates.dir)
                .map(Path::to_path_buf)
                .unwrap_or_default()
        };
        let rel_text = rel.to_string_lossy();
        let Some(stripped) = rel_text.strip_suffix(templates.suffix.as_str()) else {
            continue;
        };
        c.templates
            .push((f.clone(), templates.output.join(stripped)));
    }
}

pub(crate) fn rel(path: &Path, repo: &Path) -> String {
    path.strip_prefix(repo)
        .map(|p| format!("./{}", p.display()))
        .unwrap_or_else(|_| outside(path, repo))
}

/// The stock files of an image reference; an image the data does not know may be built
/// by a Dockerfile of the repository (`ghcr.io/acme/api` ← `docker/api/Dockerfile`).
/// Runs a build a Compose service or the CI describes in `c`: what its Dockerfile (at
/// its target, with its build args) puts in the image. False when the Dockerfile cannot
/// be read.
pub(crate) fn apply_build(c: &mut Container, build: &compose::Service, repo: &Path) -> bool {
    let Some(command) = run_dockerfile(c, build, repo) else {
        return false;
    };
    c.built_from = build
        .build
        .as_ref()
        .map(|(_, dockerfile)| dockerfile.clone());
    if c.command.is_empty() {
        c.command = command;
    }
    true
}

/// Applies what the build's Dockerfile (at its target, with its build args) puts in the
/// image to `c`, and returns the command it sets; `None` when it cannot be read.
fn run_dockerfile(c: &mut Container, build: &compose::Service, repo: &Path) -> Option<Vec<String>> {
    let (context, dockerfile_path) = build.build.as_ref()?;
    let text = dockerfile::read_text(dockerfile_path)?;
    let df = dockerfile::parse_target(
        dockerfile_path,
        &text,
        context,
        &build.build_args,
        build.build_target.as_deref(),
    );
    apply_dockerfile(c, &df, repo);
    Some(df.command)
}

pub(crate) fn set_image(c: &mut Container, reference: &str, dockerfiles: &[PathBuf], repo: &Path) {
    c.image_ref = reference.to_string();
    c.image = stock::image(reference);
    let assumed = stock::assumption(reference);
    c.app_image = assumed.is_some();
    c.fpm_layout_guessed = stock::fpm_layout_guessed(reference);
    let notes_before = c.notes.len();
    c.notes.extend(assumed);
    // A known image is what it is; one only assumed to be built on php:*-fpm may be built
    // by a Dockerfile of this repository (markshust's `magento-php:8.3-fpm-4`).
    if (c.image.nginx.is_some() || c.image.fpm.is_some()) && !c.app_image {
        return;
    }
    let name = reference
        .split('@')
        .next()
        .unwrap_or(reference)
        .rsplit('/')
        .next()
        .unwrap_or(reference);
    let (name, tag) = match name.split_once(':') {
        Some((n, t)) => (n.to_ascii_lowercase(), t.to_ascii_lowercase()),
        None => (name.to_ascii_lowercase(), String::new()),
    };
    if name.is_empty() {
        return;
    }
    // The repository's own names, for its top-level Dockerfile.
    let repo_names = crate::repository::names(repo);
    // `acme/shop-nginx` is built from a folder or a file suffix `nginx`.
    let names = |word: &str| {
        !word.is_empty()
            && (name == word
                || ['-', '_', '.']
                    .iter()
                    .any(|sep| name.ends_with(&format!("{sep}{word}"))))
    };
    let matching: Vec<&PathBuf> = dockerfiles
        .iter()
        .filter(|d| {
            let file = d
                .file_name()
                .map(|f| f.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let folder = |p: Option<&Path>| {
                p.and_then(Path::file_name)
                    .map(|f| f.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default()
            };
            let mut dir = folder(d.parent());
            // One image per version folder (markshust's images/nginx/1.24/Dockerfile for
            // `magento-nginx:1.24-0`): the folder above names it, the tag picks the version.
            if crate::dockerfile::is_php_version(&dir) {
                if !tag.starts_with(&dir) {
                    return false;
                }
                dir = folder(d.parent().and_then(Path::parent));
            }
            // `docker/Dockerfile.nginx` for `microblog-nginx`.
            let suffix = file
                .strip_prefix("dockerfile.")
                .or_else(|| file.strip_prefix("dockerfile-"))
                .or_else(|| file.strip_suffix(".dockerfile"))
                .unwrap_or("");
            // The top-level Dockerfile builds the repository's image, whatever the
            // folder it was checked out into is called.
            let of_repository = d.parent() == Some(repo) && repo_names.iter().any(|n| names(n));
            (dir != "docker" && names(&dir)) || names(suffix) || of_repository
        })
        .collect();
    if let [only] = matching.as_slice() {
        if let Some(text) = dockerfile::read_text(only) {
            let (df, _) = parse_in_guessed_context(only, &text, repo);
            // The Dockerfile says what the image holds: no assumption about it.
            c.notes.truncate(notes_before);
            apply_dockerfile(c, &df, repo);
            c.built_from = Some((*only).clone());
            c.image_ref = format!("{reference} (built by {})", rel(only, repo));
            if c.command.is_empty() {
                c.command = df.command.clone();
            }
        }
    }
}

/// A pod's container whose image nothing here names (`gcr.io/project/php-app:latest`,
/// kieranajp/k8s-php-fpm; `app-nginx:latest` beside `php-nginx/Dockerfile`,
/// edenreich/k8s-php-examples) beside a stock nginx container: the Dockerfile nearest the
/// manifest (the only one in its folder, else in the nearest folder above that has any)
/// is taken to build it when it makes a php-fpm image, with a note. Left as it was
/// otherwise. Returns whether it was taken.
pub(crate) fn guess_nearest_dockerfile(
    c: &mut Container,
    manifest: &Path,
    dockerfiles: &[PathBuf],
    repo: &Path,
) -> bool {
    if c.image.nginx.is_some() || c.image.fpm.is_some() || c.built_from.is_some() {
        return false;
    }
    let mut dir = manifest.parent();
    let found = loop {
        let Some(here) = dir.filter(|d| d.starts_with(repo)) else {
            break None;
        };
        let beside: Vec<&PathBuf> = dockerfiles
            .iter()
            .filter(|d| d.parent() == Some(here))
            .collect();
        match beside.as_slice() {
            [] => dir = here.parent(),
            [only] => break Some((*only).clone()),
            _ => break None,
        }
    };
    let Some(only) = found else {
        return false;
    };
    let Some(text) = dockerfile::read_text(&only) else {
        return false;
    };
    let (df, _) = parse_in_guessed_context(&only, &text, repo);
    let mut guessed = c.clone();
    apply_dockerfile(&mut guessed, &df, repo);
    if guessed.image.fpm.is_none() {
        return false;
    }
    guessed.built_from = Some(only.clone());
    guessed.notes.push(format!(
        "{}: image {} is built by nothing this repository shows; taken to be {}, the Dockerfile nearest its manifest",
        guessed.name,
        c.image_ref,
        rel(&only, repo)
    ));
    guessed.image_ref = format!(
        "{} (taken to be built by {})",
        c.image_ref,
        rel(&only, repo)
    );
    if guessed.command.is_empty() {
        guessed.command = df.command.clone();
    }
    *c = guessed;
    true
}

/// A Dockerfile no Compose file or CI job builds, parsed in the build context its COPY
/// lines fit: its own folder, else the folder above it, and so on up to the repository's
/// top (the usual `docker build -f docker/php/Dockerfile .`, and `docker build -f
/// php/Dockerfile docker/` for `COPY php/www.conf`). The first context where every
/// source exists wins; where none fits, the one where most do (the Dockerfile's folder
/// on a tie).
fn parse_in_guessed_context(
    path: &Path,
    text: &str,
    repo: &Path,
) -> (dockerfile::Dockerfile, PathBuf) {
    let mut best: Option<(usize, dockerfile::Dockerfile, PathBuf)> = None;
    let mut dir = path.parent();
    while let Some(context) = dir {
        let df = dockerfile::parse(path, text, context, &BTreeMap::new());
        let missing = df.copies.iter().filter(|c| !c.host.exists()).count();
        if best.as_ref().is_none_or(|(least, _, _)| missing < *least) {
            best = Some((missing, df, context.to_path_buf()));
        }
        if missing == 0 || context == repo || !context.starts_with(repo) {
            break;
        }
        dir = context.parent();
    }
    match best {
        Some((_, df, context)) => (df, context),
        None => (
            dockerfile::parse(path, text, repo, &BTreeMap::new()),
            repo.to_path_buf(),
        ),
    }
}

/// What the RHEL and Fedora php-fpm package installs as /etc/nginx/conf.d/php-fpm.conf
/// (Fedora's php.spec, source `nginx-fpm.conf`): the upstream its own
/// default.d/php.conf and sites name.
const RPM_PHP_FPM_UPSTREAM: &str = "# PHP-FPM FastCGI server\n# network or unix domain socket configuration\n\nupstream php-fpm {\n        server unix:/run/php-fpm/www.sock;\n}\n";

pub(crate) fn apply_dockerfile(c: &mut Container, df: &dockerfile::Dockerfile, repo: &Path) {
    c.dockerfile = Some(df.path.clone());
    let layers_start = c.mounts.len();
    let base = df.base.clone().unwrap_or_default();
    let mut image = stock::image(&base);
    // An image that already has nginx keeps it: `apk add nginx` (without `-u`) and
    // `apt-get install nginx` leave an installed package and its files as they are
    // (mailcow's `FROM nginx:alpine` + `apk add nginx python3`: still the official
    // nginx.conf that loads conf.d).
    let installs_nginx = df.installs_nginx && image.nginx_main.is_none();
    // An apt source for nginx.org's packages COPY'd in (serversideup's nginx.list).
    let nginx_org_source = installs_nginx
        && !df.nginx_org_packages
        && df.copies.iter().any(|copy| {
            copy.target.starts_with("/etc/apt")
                && match &copy.content {
                    Some(text) => text.contains("nginx.org/packages"),
                    None => std::fs::read(&copy.host)
                        .map(|b| String::from_utf8_lossy(&b).contains("nginx.org/packages"))
                        .unwrap_or(false),
                }
        });
    let assumed = stock::assumption(&base);
    c.app_image = assumed.is_some();
    c.fpm_layout_guessed = stock::fpm_layout_guessed(&base);
    c.notes.extend(assumed);
    // The base image's Alpine php-fpm, while the Dockerfile adds another php's packages
    // (`apk add php85-gd` on linuxserver's baseimage-alpine-nginx): the php that runs is
    // the one the packages name, in its own /etc/php<suffix>.
    // An unknown base counts when the Dockerfile edits that php's php-fpm files.
    let own_tree = format!("/etc/php{}/", df.php_suffix);
    let alpine_php = match image.fpm_main.as_deref() {
        Some(main) => main
            .strip_prefix("/etc/php")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())),
        None => df
            .edited
            .iter()
            .map(|(_, path)| path.as_str())
            .chain(df.build_edits.iter().filter_map(|e| e.path.to_str()))
            .any(|path| path.starts_with(&own_tree) && path.contains("php-fpm")),
    };
    if !df.installs_fpm
        && df.package_manager == Some("apk")
        && !df.php_suffix.is_empty()
        && alpine_php
        && image.fpm_main.as_deref() != Some(&format!("{own_tree}php-fpm.conf"))
    {
        image = image.with(stock::alpine_packages(false, true, &df.php_suffix));
    }
    if (installs_nginx || df.installs_fpm) && df.package_manager == Some("rpm") {
        // RHEL-family packages: their layout is not in the stock data; a wrong guess (the
        // Debian one) would report files that are not there.
        c.notes.push(format!(
            "{}: nginx/php-fpm installed with yum/dnf/zypper: that distribution's own files are not known here; the repository's files are linted alone",
            rel(&df.path, repo)
        ));
        // One file of theirs every site names: the php-fpm package's `upstream php-fpm`
        // for nginx (Fedora's php.spec, nginx-fpm.conf), behind the distribution's idiom
        // `fastcgi_pass php-fpm;` (a false NGX014 in Romeoy/docker-rocky-php).
        if df.installs_fpm && installs_nginx {
            c.mounts.push(Mount {
                guessed: false,
                target: PathBuf::from("/etc/nginx/conf.d/php-fpm.conf"),
                source: Source::Bytes {
                    bytes: Arc::from(RPM_PHP_FPM_UPSTREAM.as_bytes()),
                    origin: Arc::from("the RHEL/Fedora php-fpm package's conf.d/php-fpm.conf"),
                    host: None,
                    located: None,
                },
                why: format!(
                    "{}: the php-fpm package (yum/dnf) installs it for nginx",
                    rel(&df.path, repo)
                ),
            });
        }
    } else if installs_nginx || df.installs_fpm {
        let alpine = df.package_manager == Some("apk") || base.contains("alpine");
        // The package's php-fpm beside the base image's own: kept aside, for a container
        // that starts it by its versioned name (`php-fpm83`, `php-fpm8.2`).
        if df.installs_fpm && image.fpm.is_some() {
            let (binary, packages) = if alpine {
                (
                    format!("php-fpm{}", df.php_suffix),
                    stock::alpine_packages(false, true, &df.php_suffix),
                )
            } else {
                let php = if df.php_version.is_empty() {
                    stock::debian_default_php(&base)
                } else {
                    df.php_version.as_str()
                };
                (
                    format!("php-fpm{php}"),
                    stock::debian_packages(false, true, php),
                )
            };
            if binary != "php-fpm" && packages.fpm_main != image.fpm_main {
                c.package_fpm = Some((binary, packages));
            }
        }
        let packages = if alpine {
            let mut packages = match &df.php_dir_moved_to {
                Some(dir) => stock::alpine_packages_in(
                    installs_nginx,
                    df.installs_fpm && image.fpm.is_none(),
                    &dir.to_string_lossy(),
                ),
                None => stock::alpine_packages(
                    installs_nginx,
                    df.installs_fpm && image.fpm.is_none(),
                    &df.php_suffix,
                ),
            };
            if installs_nginx && stock::alpine_sites_in_conf_d(&base) {
                packages.moves.push((
                    "/etc/nginx/http.d".to_string(),
                    "/etc/nginx/conf.d".to_string(),
                ));
            }
            packages
        } else {
            let php = if df.php_version.is_empty() {
                stock::debian_default_php(&base)
            } else {
                df.php_version.as_str()
            };
            let mut packages =
                stock::debian_packages(installs_nginx, df.installs_fpm && image.fpm.is_none(), php);
            if installs_nginx {
                // The release's own nginx (stretch's 1.10, trixie's 1.26), not bookworm's.
                let version = stock::debian_nginx_version_beside(&base, php);
                packages.nginx_version = Some(version.to_string());
                // Before nginx-common 1.6.1-2 (wheezy, trusty) its fastcgi_params set
                // SCRIPT_FILENAME: b00gizm/kubernetes-php-nginx's `include fastcgi_params;`.
                packages.nginx_extra = stock::debian_nginx_overlay(version);
            }
            packages
        };
        let mut packages = if installs_nginx && (df.nginx_org_packages || nginx_org_source) {
            packages.with(stock::nginx_org_packages(alpine))
        } else {
            packages
        };
        // A pinned version is the one installed (`nginx=1.28.0-1~bookworm`), whatever the
        // distribution's own; a pin that names no release leaves the version unknown.
        if let Some(pin) = df.nginx_pin.as_deref().filter(|_| installs_nginx) {
            let mut parts = pin.split(['.', '-', '~', '*']);
            packages.nginx_version = match (parts.next(), parts.next()) {
                (Some(major), Some(minor))
                    if !major.is_empty()
                        && !minor.is_empty()
                        && major
                            .bytes()
                            .chain(minor.bytes())
                            .all(|b| b.is_ascii_digit()) =>
                {
                    Some(format!("{major}.{minor}"))
                }
                _ => None,
            };
        }
        image = image.with(packages);
    }
    c.image_ref = if base.is_empty() {
        rel(&df.path, repo)
    } else {
        format!("{base} (built by {})", rel(&df.path, repo))
    };
    // nginx compiled from source, where no package or image brings one: `make install`
    // puts nginx's own conf/ files beside the main file the configure line names.
    if let Some(build) = df.nginx_build.as_ref().filter(|_| image.nginx.is_none()) {
        image.nginx = Some(&stock::NGINX_CONF);
        image.nginx_extra = None;
        image.nginx_main = None;
        image.nginx_version = build.version.clone();
        let conf_dir = build.conf_dir().to_string_lossy().into_owned();
        if conf_dir != "/usr/local/nginx/conf" {
            image
                .moves
                .push(("/usr/local/nginx/conf".to_string(), conf_dir));
        }
        c.nginx_build = Some(build.clone());
        c.notes.push(format!(
            "{}: nginx {}built from source (./configure): main file {}, prefix {}, user {}",
            rel(&df.path, repo),
            build
                .version
                .as_deref()
                .map(|v| format!("{v} "))
                .unwrap_or_default(),
            build.conf_path.display(),
            build.prefix.display(),
            build.user
        ));
    }
    c.image = image;
    c.built_modules = df.nginx_modules.clone();
    if df.user.is_some() {
        c.run_as = df.user.clone();
    }
    for (k, v) in &df.env {
        c.env.entry(k.clone()).or_insert_with(|| v.clone());
    }
    for removed in &df.removed {
        c.mounts.push(Mount {
            guessed: false,
            target: removed.clone(),
            source: Source::Removed,
            why: format!("{}: RUN rm", rel(&df.path, repo)),
        });
    }
    // `rm -rf /usr/local/etc/php-fpm.d/*.conf` (serversideup/docker-php): the base
    // image's files the pattern matches are gone.
    for pattern in &df.removed_globs {
        // Where the files are in this image: Alpine's php85 keeps the stock /etc/php83
        // tree as /etc/php85 (bratkartoffel/nextcloud-docker removes its pools there).
        let moved = |path: &str| -> PathBuf {
            c.image
                .moves
                .iter()
                .find_map(|(from, to)| {
                    path.strip_prefix(from.as_str())
                        .map(|rest| PathBuf::from(format!("{to}{rest}")))
                })
                .unwrap_or_else(|| PathBuf::from(path))
        };
        let matched: Vec<PathBuf> = c
            .image
            .sets()
            .flat_map(|s| s.files.iter())
            .map(|(path, _)| moved(path))
            .filter(|path| lint_source::vfs::glob_matches(pattern, path))
            .collect();
        for target in matched {
            c.mounts.push(Mount {
                guessed: false,
                target,
                source: Source::Removed,
                why: format!("{}: RUN rm {pattern}", rel(&df.path, repo)),
            });
        }
    }
    let from_images = |c: &mut Container, before: usize| {
        for (target, line, from, _) in df.copied_from_images.iter().filter(|f| f.3 == before) {
            c.mounts.push(Mount {
                guessed: false,
                target: target.clone(),
                source: Source::FromImage,
                why: format!(
                    "{}:{line}: COPY --from={from} (content of another image, not in the repository)",
                    rel(&df.path, repo)
                ),
            });
        }
    };
    for (i, copy) in df.copies.iter().enumerate() {
        from_images(c, i);
        // `COPY x.ini /usr/local/etc/php/conf.d` onto a directory the image (or an earlier
        // COPY) has puts the file inside it, slash or not.
        // Any file below it makes it a directory: `COPY php.ini $PHP_INI_DIR` lands in
        // /usr/local/etc/php, which holds only conf.d/ and the php.ini-* samples
        // (markshust/docker-magento's php.ini was read as the directory itself).
        let under = |p: &Path| p != copy.target && p.starts_with(&copy.target);
        let existing_dir = c
            .image
            .sets()
            .any(|s| s.files.iter().any(|(p, _)| under(Path::new(p))))
            || c.mounts.iter().any(|m| {
                under(&m.target)
                    || (m.target == copy.target && matches!(m.source, Source::Dir { .. }))
            })
            || copy.target.extension().is_some_and(|e| e == "d");
        if let Some(text) = &copy.content {
            // A here-document names no file: `COPY <<EOF dir/` has no name to keep.
            c.mounts.push(Mount {
                guessed: false,
                target: copy.target.clone(),
                source: Source::Bytes {
                    bytes: Arc::from(text.as_bytes()),
                    origin: Arc::from(format!(
                        "here-document of {}:{}",
                        rel(&df.path, repo),
                        copy.line
                    )),
                    host: Some(df.path.clone()),
                    located: None,
                },
                why: format!(
                    "{}:{}: COPY <<here-document",
                    rel(&df.path, repo),
                    copy.line
                ),
            });
            continue;
        }
        let target = if (copy.into_dir || existing_dir) && !copy.host.is_dir() && !copy.names_dir {
            copy.target.join(copy.host.file_name().unwrap_or_default())
        } else {
            copy.target.clone()
        };
        // A source the repository lacks (made by an earlier CI step, or a mistake that
        // fails `docker build`): what lands there is not known, rather than a file whose
        // open() fails (Sylius' derailed the model).
        if !copy.host.exists() {
            let t = target.to_string_lossy();
            if t.starts_with("/etc")
                || t.starts_with("/usr/local/etc")
                || t.contains("nginx")
                || t.contains("php")
            {
                c.notes.push(format!(
                    "{}:{}: COPY {}: the repository has no such file (made before the build, or `docker build` fails here): what lands at {} is not known",
                    rel(&df.path, repo),
                    copy.line,
                    rel(&copy.host, repo),
                    target.display()
                ));
            }
            c.mounts.push(Mount {
                guessed: false,
                target,
                source: Source::FromImage,
                why: format!(
                    "{}:{}: COPY {}: not in the repository (made before the build, or `docker build` fails here); its content is not known",
                    rel(&df.path, repo),
                    copy.line,
                    rel(&copy.host, repo)
                ),
            });
            continue;
        }
        // The official nginx image renders what its build puts in /etc/nginx/templates as
        // it does a mounted folder (eko/docker-symfony COPYs its only site there: it was
        // listed, never linted).
        if c.renders_nginx_templates() && target.starts_with(Templates::of(c).dir) {
            collect_templates(c, &copy.host, &target);
        }
        let source = if copy.host.is_dir() {
            Source::Dir {
                host: copy.host.clone(),
                merge: true,
            }
        } else {
            Source::File(copy.host.clone())
        };
        c.mounts.push(Mount {
            guessed: false,
            target,
            source,
            why: format!(
                "{}:{}: COPY {}",
                rel(&df.path, repo),
                copy.line,
                rel(&copy.host, repo)
            ),
        });
    }
    from_images(c, df.copies.len());
    // `RUN touch FILE`: an empty file, where neither the image nor a COPY puts one (an
    // include of it matches; what it holds is nothing).
    for path in &df.touched {
        let in_image = c
            .image
            .sets()
            .any(|s| s.files.iter().any(|(p, _)| Path::new(p) == path));
        let copied = c.mounts.iter().any(|m| match &m.source {
            Source::Dir { host, .. } => path
                .strip_prefix(&m.target)
                .is_ok_and(|rest| host.join(rest).exists()),
            Source::Removed => false,
            _ => m.target == *path,
        });
        if !in_image && !copied {
            c.mounts.push(Mount {
                guessed: false,
                target: path.clone(),
                source: Source::Bytes {
                    bytes: Arc::from(&b""[..]),
                    origin: Arc::from(format!("empty file of {} (RUN touch)", rel(&df.path, repo))),
                    host: Some(df.path.clone()),
                    located: None,
                },
                why: format!("{}: RUN touch", rel(&df.path, repo)),
            });
        }
    }
    c.changed_at_build
        .extend(df.edited.iter().map(|(_, p)| PathBuf::from(p)));
    c.symlinks.extend(df.symlinks.iter().cloned());
    c.group_members.extend(df.group_members.iter().cloned());
    c.adds_accounts |= df.adds_accounts;
    c.run_written.extend(df.run_written.iter().cloned());
    // An edit of a file that a later COPY replaces is lost with it; a directory COPY
    // merges, and replaces only the files it holds.
    c.build_edits.extend(
        df.build_edits
            .iter()
            .filter(|e| {
                !df.copies.iter().any(|copy| {
                    copy.line > e.line
                        && if copy.host.is_dir() {
                            e.path
                                .strip_prefix(&copy.target)
                                .is_ok_and(|rest| copy.host.join(rest).exists())
                        } else {
                            copy.target == e.path
                                || (copy.into_dir
                                    && copy.target.join(copy.host.file_name().unwrap_or_default())
                                        == e.path)
                        }
                })
            })
            .cloned(),
    );
    // A COPY into a directory a RUN made a link (`ln -s /etc/php83 /etc/php`, then `COPY
    // www.conf /etc/php/php-fpm.d/`) writes through the link: the file lands below the
    // link's target, where php-fpm reads it.
    for mount in &mut c.mounts[layers_start..] {
        let through = df.symlinks.iter().find_map(|(link, target)| {
            let rest = mount.target.strip_prefix(link).ok()?;
            if rest.as_os_str().is_empty() {
                return None;
            }
            let target = if target.is_absolute() {
                target.clone()
            } else {
                link.parent().unwrap_or(Path::new("/")).join(target)
            };
            Some(lint_source::vfs::normalize(&target.join(rest)))
        });
        if let Some(through) = through {
            mount.target = through;
        }
    }
    // `ln -s /etc/nginx/sites-available/* /etc/nginx/sites-enabled/`: a link per file the
    // pattern matches, among the image's files and what the build put there.
    for (pattern, folder) in &df.glob_symlinks {
        let Some(dir) = pattern.parent() else {
            continue;
        };
        let mut found: Vec<PathBuf> = c
            .image
            .sets()
            .flat_map(|s| s.files.iter())
            .map(|(p, _)| PathBuf::from(p))
            .filter(|p| p.parent() == Some(dir))
            .collect();
        for m in &c.mounts {
            match &m.source {
                Source::Removed => found.retain(|p| !p.starts_with(&m.target)),
                Source::Dir { host, .. } => {
                    if let Ok(rest) = dir.strip_prefix(&m.target) {
                        let entries = std::fs::read_dir(host.join(rest)).into_iter().flatten();
                        for e in entries.flatten() {
                            found.push(dir.join(e.file_name()));
                        }
                    }
                }
                _ if m.target.parent() == Some(dir) => found.push(m.target.clone()),
                _ => {}
            }
        }
        found.sort();
        found.dedup();
        let pattern = pattern.to_string_lossy();
        for target in found {
            if !lint_source::vfs::glob_matches(&pattern, &target) {
                continue;
            }
            let Some(name) = target.file_name() else {
                continue;
            };
            c.mounts.push(Mount {
                guessed: false,
                target: folder.join(name),
                source: Source::Link(target.clone()),
                why: format!("{}: RUN ln -s {pattern}", rel(&df.path, repo)),
            });
        }
    }
    // The links a RUN makes are files of the image: a site enabled by
    // `ln -s ../sites-available/app.conf sites-enabled/` is read through its link.
    for (link, target) in &df.symlinks {
        c.mounts.push(Mount {
            guessed: false,
            target: link.clone(),
            source: Source::Link(target.clone()),
            why: format!("{}: RUN ln -s {}", rel(&df.path, repo), target.display()),
        });
    }
    c.image_layers = Some((layers_start, c.mounts.len()));
    for (line, path) in &df.edited {
        c.notes.push(format!(
            "{}:{line}: {path} is changed at build time (RUN); the change is not verified",
            rel(&df.path, repo)
        ));
    }
}

/// The php.ini a `php-fpm -c ARG` reads: ARG is a file or, as `php -h` says, the directory
/// to look for php.ini in (`-c /usr/local/etc/php`). Variables are expanded the way the
/// starter does: supervisord's `%(ENV_NAME)s` from the container's environment, a shell
/// command's `$NAME` too; supervisord leaves `$NAME` as written, and php-fpm looks in a
/// folder of that literal name first (a note says so). `None` when the path is not known.
fn php_ini_of_flag(
    c: &Container,
    raw: &Path,
    supervised: bool,
    notes: &mut Vec<String>,
) -> Option<PathBuf> {
    let text = raw.to_string_lossy();
    let lookup = |name: &str| -> Option<String> {
        c.env.get(name).cloned().or_else(|| {
            let base = c
                .image_ref
                .split(" (built by")
                .next()
                .unwrap_or(&c.image_ref);
            stock::image_env(base)
                .into_iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    };
    let mut expanded = String::new();
    let mut rest: &str = &text;
    while let Some(at) = rest.find(['%', '$']) {
        expanded.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (name, len) = if let Some(inner) = tail.strip_prefix("%(ENV_") {
            match inner.find(")s") {
                Some(end) => (&inner[..end], "%(ENV_".len() + end + 2),
                None => return None,
            }
        } else if let Some(inner) = tail.strip_prefix('$') {
            if supervised {
                notes.push(format!(
                    "{}: supervisord starts `php-fpm -c {text}` without expanding `$` (only `%(ENV_NAME)s`): php-fpm looks for php.ini in a folder of that literal name, finds none, and reads the one where PHP was built to look",
                    c.name
                ));
                return None;
            }
            let inner_name = inner.trim_start_matches('{');
            let end = inner_name
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(inner_name.len());
            let braced = inner.starts_with('{');
            (&inner_name[..end], 1 + end + if braced { 2 } else { 0 })
        } else {
            expanded.push('%');
            rest = &tail[1..];
            continue;
        };
        expanded.push_str(&lookup(name)?);
        rest = &tail[len.min(tail.len())..];
    }
    expanded.push_str(rest);
    let path = PathBuf::from(expanded);
    Some(if path.extension().is_some_and(|e| e == "ini") {
        path
    } else {
        path.join("php.ini")
    })
}

/// Picks the image's main files and builds one side; `Err` says why the side cannot be
/// linted (its main file is neither in the repository nor a stock file of a known image).
fn side(c: &Container, repo: &Path, nginx: bool) -> Result<Side, String> {
    side_of(c, repo, nginx, None)
}

/// The sides of a container whose main file is not known (an image this data does not
/// know) but to which the repository gives nginx or php-fpm files: each file linted on its
/// own, as its content calls for (erseco/alpine-moodle copies a server-context snippet into
/// /etc/nginx/server-conf.d of its own base image).
fn lone_sides(c: &Container, repo: &Path, nginx: bool) -> Vec<Side> {
    let files = if nginx {
        c.placed_config("/etc/nginx", true)
    } else {
        c.image_fpm_files()
    };
    // A pool fragment without `listen` completes a pool of the image's (its [www]): alone,
    // it would be reported as a pool that listens nowhere.
    let files: Vec<(PathBuf, PathBuf)> = files
        .into_iter()
        .filter(|(_, host)| {
            nginx
                || std::fs::read_to_string(host).is_ok_and(|t| {
                    t.lines().any(|l| {
                        l.split_once('=')
                            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("listen"))
                    })
                })
        })
        .collect();
    // Not a start of its own: a template a start script fills in, or a snippet another
    // of these files includes (tiredofit's snippets/php-fpm.conf is only ever included
    // in PHP locations that set SCRIPT_FILENAME after it: alone, a false NGX201).
    let files: Vec<(PathBuf, PathBuf)> = if nginx {
        // Each include once, made absolute; most name one file, compared without a glob.
        let includes: BTreeSet<(PathBuf, String)> = files
            .iter()
            .flat_map(|(target, host)| {
                let text = std::fs::read_to_string(host).unwrap_or_default();
                include_args(&text)
                    .map(|arg| {
                        let full = if arg.starts_with('/') {
                            arg.to_string()
                        } else {
                            format!("/etc/nginx/{arg}")
                        };
                        (target.clone(), full)
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        files
            .into_iter()
            .filter(|(target, host)| {
                !matches!(repository::classify_path(host), Some(Role::Template(_)))
                    && !includes.iter().any(|(from, full)| {
                        from != target
                            && if lint_source::vfs::has_glob(full) {
                                lint_source::vfs::glob_matches(full, target)
                            } else {
                                Path::new(full) == target
                            }
                    })
            })
            .collect()
    } else {
        files
    };
    let several = files.len() > 1;
    files
        .into_iter()
        .filter_map(|(target, _)| {
            let mut s = side_of(c, repo, nginx, Some(&target)).ok()?;
            if several {
                s.container = format!("{} ({})", c.name, target.display());
            }
            s.notes.push(format!(
                "{}: the image's own {} is not known ({}): {} is linted on its own{}",
                c.name,
                if nginx { "nginx.conf" } else { "php-fpm.conf" },
                if c.image_ref.is_empty() {
                    "unknown image"
                } else {
                    &c.image_ref
                },
                target.display(),
                if nginx {
                    ", in the context its directives call for"
                } else {
                    ""
                }
            ));
            Some(s)
        })
        .collect()
}

fn side_of(c: &Container, repo: &Path, nginx: bool, alone: Option<&Path>) -> Result<Side, String> {
    let fs = c.fs(repo);
    let (main, conf_prefix) = if let Some(file) = alone {
        (
            file.to_path_buf(),
            nginx.then(|| PathBuf::from("/etc/nginx")),
        )
    } else if nginx {
        // A relative `-c` is the prefix's (ngx_process_options): a build from source's.
        let main = c
            .command_arg("nginx", &["-c"])
            .or_else(|| c.supervised_arg(&*fs, "nginx", &["-c"]))
            .map(|m| match &c.nginx_build {
                Some(build) => lint_source::vfs::normalize(&build.prefix.join(m)),
                None => m,
            })
            .or_else(|| c.nginx_build.as_ref().map(|b| b.conf_path.clone()))
            .or_else(|| c.image.nginx_main.map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("/etc/nginx/nginx.conf"));
        (main, Some(PathBuf::from("/etc/nginx")))
    } else {
        let main = c
            .command_arg("php-fpm", &["-y", "--fpm-config"])
            .or_else(|| c.supervised_arg(&*fs, "php-fpm", &["-y", "--fpm-config"]))
            .or_else(|| c.image.fpm_main.as_deref().map(PathBuf::from))
            .or_else(|| c.placed_fpm_main())
            .unwrap_or_else(|| PathBuf::from("/usr/local/etc/php-fpm.conf"));
        (main, None)
    };
    let mut ini_notes: Vec<String> = Vec::new();
    let php_ini = if nginx {
        None
    } else {
        let custom = match c.command_arg("php-fpm", &["-c", "--php-ini"]) {
            Some(raw) => php_ini_of_flag(c, &raw, false, &mut ini_notes),
            None => c
                .supervised_arg(&*fs, "php-fpm", &["-c", "--php-ini"])
                .and_then(|raw| php_ini_of_flag(c, &raw, true, &mut ini_notes)),
        };
        // php.ini beside the image's main file first (Alpine's /etc/php7/php.ini).
        let beside_main = c
            .image
            .fpm_main
            .as_deref()
            .and_then(|m| Path::new(m).parent())
            .map(|d| d.join("php.ini"));
        let candidates = [
            "/usr/local/etc/php/php.ini",
            "/etc/php/8.2/fpm/php.ini",
            "/etc/php83/php.ini",
        ];
        // `-c` is searched first, not alone: without a php.ini there, PHP goes on to
        // PHPRC and the path it was built with.
        let custom = custom.filter(|p| fs.read(p).is_ok());
        custom.or_else(|| {
            beside_main
                .into_iter()
                .chain(candidates.iter().map(PathBuf::from))
                .find(|p| {
                    // The official images ship no php.ini: their settings are conf.d's.
                    fs.read(p).is_ok()
                        || p.parent().is_some_and(|dir| {
                            fs.glob(&dir.join("conf.d/*.ini"))
                                .is_ok_and(|found| !found.is_empty())
                        })
                })
        })
    };
    // An nginx image whose own nginx.conf is not known (OpenResty, a private build) but
    // whose sites the repository provides: lint the sites inside nginx's stock nginx.conf.
    let sites_dir = c.image.nginx_sites_dir.unwrap_or("/etc/nginx/conf.d");
    let standin = nginx
        && alone.is_none()
        && c.image.nginx.is_none_or(|s| s.files.is_empty())
        && lint_source::vfs::FileSystem::read(&*fs, &main).is_err()
        && c.mounts.iter().any(|m| m.target.starts_with(sites_dir));
    let (fs, main) = if standin {
        let mut with_stock = c.clone();
        with_stock.image.nginx = Some(&stock::NGINX_OFFICIAL);
        // Builds of nginx's sources (Bitnami's, OpenResty, private ones) keep what `make
        // install` puts beside nginx.conf, `fastcgi.conf` included, which the official
        // image's packages drop: Bitnami's README includes it (a false NGX002 and NGX201).
        with_stock.image.nginx_extra = Some(&stock::NGINX_OFFICIAL_ALPINE);
        // The image's sites folder stands for conf.d (Bitnami's server_blocks).
        for m in &mut with_stock.mounts {
            if let Ok(rest) = m.target.strip_prefix(sites_dir) {
                m.target = Path::new("/etc/nginx/conf.d").join(rest);
            }
        }
        // An image not known at all keeps no known default site: the official one's
        // `default.conf` is a guess there (webdevops' php-nginx has none; beside a
        // repository's site it was an NGX102 on a file the image may not have).
        // OpenResty's images do ship that site in conf.d.
        if c.image.nginx.is_none() {
            with_stock.mounts.insert(
                0,
                Mount {
                    guessed: true,
                    target: PathBuf::from("/etc/nginx/conf.d/default.conf"),
                    source: Source::Removed,
                    why: "the image is not known: its default site, if any, is not known either"
                        .into(),
                },
            );
        }
        (with_stock.fs(repo), PathBuf::from("/etc/nginx/nginx.conf"))
    } else {
        (fs, main)
    };
    let mut notes = ini_notes;
    if standin {
        notes.push(format!(
            "{}: the image's own nginx.conf is not known; its sites ({sites_dir}) are linted inside the official nginx image's nginx.conf, beside the files nginx's own install keeps (fastcgi.conf)",
            c.name
        ));
    }
    if let Err(e) = lint_source::vfs::FileSystem::read(&*fs, &main) {
        // serversideup/docker-php deletes nginx.conf at build and renders it from
        // nginx.conf.template when the container starts: what runs is not in the image.
        let template = PathBuf::from(format!("{}.template", main.display()));
        if lint_source::vfs::FileSystem::read(&*fs, &template).is_ok() {
            return Err(format!(
                "{}'s main file {} is rendered from {} when the container starts: {} not linted",
                c.name,
                main.display(),
                template.display(),
                if nginx { "nginx" } else { "php-fpm" }
            ));
        }
        if let lint_source::vfs::FsError::Unrendered(why) = &e {
            return Err(format!(
                "{}'s main file {} is filled in before the server reads it ({why}): {} not linted",
                c.name,
                main.display(),
                if nginx { "nginx" } else { "php-fpm" }
            ));
        }
        if matches!(e, lint_source::vfs::FsError::Unknown) {
            return Err(format!(
                "{}'s main file {} is neither in the repository nor a stock file of a known image ({}): {} not linted",
                c.name,
                main.display(),
                if c.image_ref.is_empty() { "unknown image" } else { &c.image_ref },
                if nginx { "nginx" } else { "php-fpm" }
            ));
        }
    }
    const ALLOW_ROOT: &[&str] = &["-R", "--allow-to-run-as-root"];
    let root_allowed = !nginx
        && (c.command_flag("php-fpm", ALLOW_ROOT)
            || c.supervised_flag(&*fs, "php-fpm", ALLOW_ROOT));
    let run_as = c
        .run_as
        .clone()
        .or_else(|| c.start_script_user())
        .or_else(|| c.supervised_user(&*fs, if nginx { "nginx" } else { "php-fpm" }));
    let root_master =
        !nginx && !c.host && !c.app_image && run_as.is_none() && c.fpm_starts_as_root();
    Ok(Side {
        container: c.name.clone(),
        image: if c.image_ref.is_empty() {
            "unknown image".into()
        } else {
            c.image_ref.clone()
        },
        // nginx reads relative paths (`include mime.types;`) from the directory of the
        // file `-c` names (ngx_process_options): `/app/conf` for `nginx -c
        // /app/conf/nginx.conf`, OpenResty's own conf/.
        conf_prefix: match main.parent() {
            Some(dir) if nginx && alone.is_none() && main.is_absolute() => Some(dir.to_path_buf()),
            _ => conf_prefix,
        },
        fs,
        main,
        php_ini,
        // Memberships a Dockerfile adds are its container's: nginx's worker holds them
        // only when its own image made them (a php-fpm image's `adduser nginx www-data`
        // does not reach a stock nginx container beside it).
        accounts: (
            c.image.passwd.to_string(),
            if nginx {
                c.group_text()
            } else {
                c.image.group.to_string()
            },
        ),
        // `--user=` of a build from source (`nobody` when it names none).
        nginx_user: match (&c.nginx_build, nginx) {
            (Some(build), true) => Some(build.user.clone()),
            _ => c.image.nginx_user.map(str::to_string),
        },
        // Relative paths (`root html;`, `error_log logs/error.log`) are the build's prefix's.
        nginx_prefix: c
            .nginx_build
            .as_ref()
            .filter(|_| nginx && alone.is_none())
            .map(|b| b.prefix.clone()),
        // The official nginx image's own accounts, when nothing of the deployment adds or
        // replaces any: the web users it has are all it has (NGX026).
        // Not for loose files: the official image is where they are linted, not a fact
        // (jetsung/docker-nginx-php builds nginx from source and adds `www` itself).
        web_users: (nginx
            && !c.host
            && c.image
                .nginx
                .is_some_and(|set| std::ptr::eq(set, &stock::NGINX_OFFICIAL))
            && !c.app_image
            && !c.adds_accounts
            && !c.mounts.iter().any(|m| {
                m.target == Path::new("/etc/passwd")
                    || m.target == Path::new("/etc/group")
                    || Path::new("/etc").starts_with(&m.target)
            }))
        .then(|| c.image.passwd.to_string()),
        nginx_version: c.image.nginx_version.clone(),
        // Loose files have no image that says which nginx runs them (Hestia's own build
        // 1.30 was linted as Debian's 1.22, and `http2 on;` called unknown). An untagged
        // official image is not such a guess: whatever it names now is 1.25 or later.
        // A build from source whose folder names no release is not known either.
        nginx_version_assumed: c.host
            || (nginx && c.nginx_build.as_ref().is_some_and(|b| b.version.is_none())),
        env: c.start_script_env(),
        run_as,
        changed_at_build: c.changed_at_build.clone(),
        guessed_files: c.guessed_fpm_files(),
        symlinks: c.symlinks.clone(),
        notes,
        modules: c
            .image
            .modules
            .iter()
            .map(|m| m.to_string())
            .chain(c.built_modules.iter().cloned())
            .collect(),
        // A file linted alone is read in the context its directives call for; the main
        // file is read as nginx reads it, whatever it holds (a ConfigMap of one `server`
        // block mounted on nginx.conf: nginx stops with "server" directive is not allowed
        // here, KodeKloud's nginx-phpfpm task).
        context: nginx.then(|| if alone.is_some() { "auto" } else { "main" }.to_string()),
        includer_unknown: nginx && alone.is_none() && c.includer_unknown,
        in_container: !c.host,
        root_allowed,
        root_master,
    })
}

/// `8.10` after `8.4`: versions compared as numbers.
fn php_version_order(version: &str) -> (u32, u32) {
    let (major, minor) = version.split_once('.').unwrap_or((version, "0"));
    (major.parse().unwrap_or(0), minor.parse().unwrap_or(0))
}

/// The names a deployment's containers answer to, with the names nginx's own /etc/hosts
/// adds (`extra_hosts: ["legacy-php:host-gateway"]` for a php-fpm on the Docker host):
/// they resolve at start, whatever runs there.
fn with_extra_hosts(names: Arc<[String]>, nginx: &Container) -> Arc<[String]> {
    if nginx.extra_hosts.is_empty() {
        return names;
    }
    names
        .iter()
        .cloned()
        .chain(nginx.extra_hosts.iter().map(|(name, _)| name.clone()))
        .collect()
}

/// `127.0.0.1` (any of 127.0.0.0/8) or `::1`: the container's own loopback.
fn is_loopback_address(address: &str) -> bool {
    address
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Pairs every nginx container with every php-fpm container of one project.
pub(crate) fn pair(
    source: &Path,
    containers: &[Container],
    repo: &Path,
    out: &mut Assembled,
    closed: bool,
) {
    // A Dockerfile that builds one of these images is not an image of its own, and what
    // its COPYs place is not loose (a Kubernetes pod of an image a repository Dockerfile
    // builds linted its site file a second time, as a loose one).
    out.used
        .extend(containers.iter().filter_map(|c| c.built_from.clone()));
    for c in containers {
        record_used(c, &mut out.used);
    }
    // The php-fpm each container really starts, when its image has two.
    let started: Vec<Container>;
    let containers = if containers.iter().any(|c| c.package_fpm.is_some()) {
        started = containers
            .iter()
            .map(|c| c.with_started_fpm(repo).unwrap_or_else(|| c.clone()))
            .collect();
        &started[..]
    } else {
        containers
    };
    let mut nginx: Vec<(&Container, Side)> = Vec::new();
    let mut fpm: Vec<(&Container, Side)> = Vec::new();
    let mut unlinted: Vec<String> = Vec::new();
    // Whether each container runs nginx, read once: it reads the container's command and
    // entrypoint, and the search below for the service an nginx names asked it of every
    // container for every nginx (a Compose file of 2 000 nginx services took 9 s).
    let runs_nginx: Vec<bool> = containers.iter().map(Container::runs_nginx).collect();
    // The containers by lower-cased name, in order (the same search).
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, c) in containers.iter().enumerate() {
        for x in &c.names {
            by_name.entry(x.to_ascii_lowercase()).or_default().push(k);
        }
    }
    for (c, &runs_nginx) in containers.iter().zip(&runs_nginx) {
        if runs_nginx {
            match side(c, repo, true) {
                Ok(mut s) => {
                    s.notes.extend(c.nginx_started_not_installed(repo));
                    nginx.push((c, s))
                }
                Err(why) => {
                    let alone = lone_sides(c, repo, true);
                    if alone.is_empty() {
                        unlinted.push(why);
                    }
                    nginx.extend(alone.into_iter().map(|s| (c, s)));
                }
            }
        }
        if c.runs_fpm() {
            match side(c, repo, false) {
                Ok(s) => fpm.push((c, s)),
                Err(why) => {
                    let alone = lone_sides(c, repo, false);
                    if alone.is_empty() {
                        unlinted.push(why);
                    }
                    fpm.extend(alone.into_iter().map(|s| (c, s)));
                }
            }
        }
    }
    // A side job of the application (a cron or queue-worker service built from the php-fpm
    // image) is not the php-fpm nginx talks to when another container of the stack is.
    if fpm.iter().any(|(f, _)| !f.runs_side_job()) {
        for (f, _) in fpm.iter().filter(|(f, _)| f.runs_side_job()) {
            let what = if f.command.is_empty() {
                let role = f
                    .env
                    .iter()
                    .find(|(k, _)| k.to_ascii_uppercase().ends_with("ROLE"))
                    .map(|(k, v)| format!("{k}={v}"))
                    .unwrap_or_default();
                format!("has the role `{role}`")
            } else {
                format!("runs `{}`", f.command_text())
            };
            unlinted.push(format!(
                "{} {what}, a side job rather than php-fpm's servers: not paired with nginx",
                f.name
            ));
        }
        fpm.retain(|(f, _)| !f.runs_side_job());
    }
    let all_names: BTreeSet<String> = containers
        .iter()
        .flat_map(|c| c.names.iter().cloned())
        .collect();
    // One list for every deployment of the project (each leaves php-fpm's own out when
    // it reads it): a list per deployment was services x services strings.
    let shared_names: Arc<[String]> = all_names.iter().cloned().collect();
    let start = out.deployments.len();
    // An nginx linted without a php-fpm beside it, and why.
    let nginx_only = |n: &Container, n_side: &Side, why: String| {
        let mut notes = n.notes.clone();
        notes.extend(n_side.notes.iter().cloned());
        notes.push(why);
        Deployment {
            source: source.to_path_buf(),
            name: format!("{} (nginx only)", n_side.container),
            nginx: Some(n_side.clone()),
            fpm: None,
            // The deployment's names are still known: a name none of them has does not
            // resolve (X020), whatever runs behind the others.
            network: Network {
                all_names: with_extra_hosts(Arc::clone(&shared_names), n),
                closed,
                ..Network::default()
            },
            notes,
        }
    };
    // Several nginx containers, some of them FastCGI clients: one with no `fastcgi_pass`
    // in its files (a TLS proxy in front, a static avatar server) is not php-fpm's
    // client, and is linted alone (nextcloud's with-nginx-proxy examples).
    let some_speak_fastcgi = nginx.len() > 1 && nginx.iter().any(|(n, _)| n.names_fastcgi_pass());
    // With several php-fpm containers, an nginx whose files name some of them
    // (`fastcgi_pass php0:9000`, an upstream's `server php0:9000`) is paired with those,
    // not with the php-fpm another nginx names: a Compose file of 400 sites, each an
    // nginx and a php-fpm service, was 160 000 deployments (9 GB, 88 s). A php-fpm no
    // nginx names, or an nginx whose target is a variable, is paired as before.
    let hosts: Vec<Option<BTreeSet<String>>> = if fpm.len() > 1 {
        nginx.iter().map(|(n, _)| n.fastcgi_hosts()).collect()
    } else {
        vec![None; nginx.len()]
    };
    // The php-fpm each nginx names: its hosts looked up among php-fpm's names, and the
    // aliases its `links:` give them.
    let mut fpm_by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, (f, _)) in fpm.iter().enumerate() {
        for x in &f.names {
            fpm_by_name
                .entry(x.to_ascii_lowercase())
                .or_default()
                .push(k);
        }
    }
    let reached: Vec<BTreeSet<usize>> = nginx
        .iter()
        .zip(&hosts)
        .map(|((n, _), hosts)| {
            let Some(hosts) = hosts else {
                return BTreeSet::new();
            };
            let by_name = hosts.iter().filter_map(|h| fpm_by_name.get(h)).flatten();
            let by_alias = n
                .links
                .iter()
                .filter(|(_, alias)| hosts.contains(&alias.to_ascii_lowercase()))
                .flat_map(|(service, _)| {
                    fpm.iter()
                        .enumerate()
                        .filter(move |(_, (f, _))| f.name == *service)
                        .map(|(k, _)| k)
                });
            by_name.copied().chain(by_alias).collect()
        })
        .collect();
    let named_by_any: BTreeSet<usize> = reached.iter().flatten().copied().collect();
    // The containers and the php-fpm sides by pod, and the php-fpm sides by container
    // name, in order: the search below for a pod's PHP container and the pairing loop
    // asked every container of the manifests for every nginx (a manifest of 4 000
    // pods, each an nginx beside a php-fpm, compared 16 million pod names).
    let mut containers_by_pod: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, c) in containers.iter().enumerate() {
        if let Some(pod) = &c.pod {
            containers_by_pod.entry(pod).or_default().push(k);
        }
    }
    let mut fpm_by_pod: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut fpm_by_container: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, (f, _)) in fpm.iter().enumerate() {
        if let Some(pod) = &f.pod {
            fpm_by_pod.entry(pod).or_default().push(k);
        }
        fpm_by_container.entry(&f.name).or_default().push(k);
    }
    for (i, (n, n_side)) in nginx.iter().enumerate() {
        if some_speak_fastcgi && !fpm.is_empty() && !n.names_fastcgi_pass() {
            out.deployments.push(nginx_only(
                n,
                n_side,
                format!(
                    "{}: no `fastcgi_pass` in its files, beside an nginx that has one: not paired with php-fpm",
                    n.name
                ),
            ));
            continue;
        }
        if fpm.is_empty() {
            // The service nginx names (`fastcgi_pass php:9000`) runs an image this tool
            // does not know (pimcore/pimcore): say so, not that there is no php-fpm.
            // The first container (in order) with one of those names.
            let named = n.fastcgi_hosts().and_then(|hosts| {
                hosts
                    .iter()
                    .filter_map(|h| by_name.get(h))
                    .flatten()
                    .copied()
                    .filter(|&k| containers[k].name != n.name && !runs_nginx[k])
                    .min()
                    .map(|k| &containers[k])
            });
            let why = match named {
                Some(php) => format!(
                    "nginx passes PHP to {} ({}), whose image is not known here (no php-fpm file of it in the repository): the nginx ↔ php-fpm cross-checks were skipped",
                    php.name,
                    if php.image_ref.is_empty() { "no image" } else { &php.image_ref }
                ),
                None => format!(
                    "no php-fpm found beside nginx in {}: the nginx ↔ php-fpm cross-checks were skipped",
                    rel(source, repo)
                ),
            };
            out.deployments.push(nginx_only(n, n_side, why));
        }
        // A container that runs its own php-fpm (one image, supervisord) uses that one.
        let own = fpm_by_container.get(n.name.as_str());
        let runs_own = own.is_some();
        // A pod with a PHP container of its own (an application image we cannot read)
        // serves its nginx: a php-fpm of another pod, behind a Service, is not this one's.
        // (The first such container of the pod, in order.)
        let pod_php = n
            .pod
            .as_deref()
            .and_then(|pod| containers_by_pod.get(pod))
            .into_iter()
            .flatten()
            .map(|&k| (&containers[k], runs_nginx[k]))
            .find(|(c, runs_nginx)| {
                c.name != n.name && !runs_nginx && (c.runs_fpm() || c.looks_like_php())
            })
            .map(|(c, _)| c);
        // The php-fpm sides the loop below may pair with this nginx, in order: its own
        // when it runs one, else those of its pod when the pod has a PHP container, else
        // all (the conditions in the loop still decide).
        let all: Vec<usize>;
        let candidates: &[usize] = match (own, pod_php, n.pod.as_deref()) {
            (Some(own), _, _) => own,
            (None, Some(_), Some(pod)) => fpm_by_pod.get(pod).map_or(&[], Vec::as_slice),
            _ => {
                all = (0..fpm.len()).collect();
                &all
            }
        };
        let paired_before = out.deployments.len();
        for (k, (f, f_side)) in candidates.iter().filter_map(|&k| Some((k, fpm.get(k)?))) {
            if runs_own && f.name != n.name {
                continue;
            }
            if pod_php.is_some() && f.pod != n.pod {
                continue;
            }
            // Pods reach each other only through a Service: a php-fpm container of another
            // pod that no Service selects is not this nginx's.
            if n.pod.is_some() && f.pod.is_some() && n.pod != f.pod && f.names.is_empty() {
                continue;
            }
            let same = n.name == f.name
                || n.shares_network_of.as_deref() == Some(&f.name)
                || f.shares_network_of.as_deref() == Some(&n.name)
                || (n.pod.is_some() && n.pod == f.pod);
            if !same
                && !reached[i].is_empty()
                && named_by_any.contains(&k)
                && !reached[i].contains(&k)
            {
                continue;
            }
            // Compose services on networks they do not share cannot reach each other:
            // php-fpm's names do not resolve from nginx (`host not found in upstream`).
            let named_networks =
                |c: &Container| !c.networks.is_empty() && c.networks.iter().any(|x| x != "default");
            let apart = !same
                && named_networks(n)
                && named_networks(f)
                && !n.networks.iter().any(|x| f.networks.contains(x));
            let mut fpm_names: Vec<String> = if apart { Vec::new() } else { f.names.clone() };
            for (service, alias) in &n.links {
                if service == &f.name && !apart {
                    fpm_names.push(alias.clone());
                }
            }
            // A name nginx's /etc/hosts points at loopback, where php-fpm shares nginx's
            // network stack (a pod's `hostAliases: 127.0.0.1 php-fpm`), is php-fpm's.
            if same {
                fpm_names.extend(
                    n.extra_hosts
                        .iter()
                        .filter(|(_, address)| is_loopback_address(address))
                        .map(|(name, _)| name.clone()),
                );
            }
            // A name given twice (the service's own and a `links:` entry of it) is one.
            let mut seen = BTreeSet::new();
            fpm_names.retain(|name| seen.insert(name.clone()));
            // On networks apart, php-fpm's names do not resolve from nginx at all.
            let names = if apart {
                all_names
                    .iter()
                    .filter(|x| !f.names.contains(x))
                    .cloned()
                    .collect()
            } else {
                Arc::clone(&shared_names)
            };
            let names = with_extra_hosts(names, n);
            let mut notes = n.notes.clone();
            if apart {
                notes.push(format!(
                    "{} (networks: {}) and {} (networks: {}) share no Compose network: php-fpm's names do not resolve from nginx",
                    n.name,
                    n.networks.join(", "),
                    f.name,
                    f.networks.join(", ")
                ));
            }
            notes.extend(n_side.notes.iter().cloned());
            if f.name != n.name {
                notes.extend(f.notes.iter().cloned());
            }
            notes.extend(f_side.notes.iter().cloned());
            out.deployments.push(Deployment {
                source: source.to_path_buf(),
                name: if n_side.container == f_side.container {
                    n_side.container.clone()
                } else {
                    format!("{} → {}", n_side.container, f_side.container)
                },
                nginx: Some(n_side.clone()),
                fpm: Some(f_side.clone()),
                network: Network {
                    shared_loopback: same,
                    fpm_names,
                    all_names: names,
                    closed,
                    separate_filesystems: n.name != f.name,
                    shared_dirs: n_side.fs.shared_with(&f_side.fs),
                    published: f.published.clone(),
                    // An application image's own files are unknown: no "nothing there".
                    fpm_provided: f_side
                        .fs
                        .provided()
                        .filter(|_| !f.app_image)
                        .map(lint_rules::Provided::new),
                    nginx_provided: n_side
                        .fs
                        .provided()
                        .filter(|_| !n.app_image)
                        .map(lint_rules::Provided::new),
                    service_ports: if apart {
                        Vec::new()
                    } else {
                        f.service_ports.clone()
                    },
                    unreachable_names: if apart {
                        let why = format!(
                            "{} (networks: {}) and {} (networks: {}) share no Compose network",
                            n.name,
                            n.networks.join(", "),
                            f.name,
                            f.networks.join(", ")
                        );
                        f.names.iter().map(|x| (x.clone(), why.clone())).collect()
                    } else {
                        Vec::new()
                    },
                    // Kubernetes' (filled in by the manifests' reading).
                    unbacked_services: Vec::new(),
                },
                notes,
            });
        }
        if let (Some(php), false) = (pod_php, fpm.is_empty()) {
            if out.deployments.len() == paired_before {
                out.deployments.push(nginx_only(
                    n,
                    n_side,
                    format!(
                        "php-fpm of this pod runs in container {} ({}), whose configuration is not known here: the nginx ↔ php-fpm cross-checks were skipped",
                        php.name, php.image_ref
                    ),
                ));
            }
        }
        // Every php-fpm runs in another pod that no Service selects: nothing nginx can
        // name reaches it. nginx is still linted (its names are the Services', so a
        // `fastcgi_pass app:9000` with no Service `app` is X020's), and was not at all.
        if !fpm.is_empty() && out.deployments.len() == paired_before {
            let pods: Vec<&str> = fpm.iter().map(|(f, _)| f.name.as_str()).collect();
            out.deployments.push(nginx_only(
                n,
                n_side,
                format!(
                    "php-fpm runs in {}, in another pod that no Service selects: nginx cannot reach it, and the nginx ↔ php-fpm cross-checks were skipped",
                    pods.join(", ")
                ),
            ));
        }
    }
    // A php-fpm of a pod no nginx was paired with (no Service selects it) is still linted.
    let paired_fpm: BTreeSet<String> = out.deployments[start..]
        .iter()
        .filter_map(|d| d.fpm.as_ref().map(|f| f.container.clone()))
        .collect();
    // A php-fpm linted without an nginx beside it, and why.
    let fpm_only = |f: &Container, f_side: &Side, why: String| {
        let mut notes = f.notes.clone();
        notes.extend(f_side.notes.iter().cloned());
        notes.push(why);
        Deployment {
            source: source.to_path_buf(),
            name: format!("{} (php-fpm only)", f_side.container),
            nginx: None,
            fpm: Some(f_side.clone()),
            network: Network::default(),
            notes,
        }
    };
    if !nginx.is_empty() {
        for (f, f_side) in fpm
            .iter()
            .filter(|(f, s)| f.pod.is_some() && !paired_fpm.contains(&s.container))
        {
            out.deployments.push(fpm_only(
                f,
                f_side,
                format!(
                    "{}: no Service selects its pod, so no nginx reaches it: linted on its own",
                    f.name
                ),
            ));
        }
    }
    if nginx.is_empty() {
        for (f, f_side) in &fpm {
            // linuxserver's baseimage-alpine-nginx has nginx, set up at start from files
            // this tool does not see: "no nginx" would be wrong.
            // The base image's name only: "(built by ./php-nginx/Dockerfile)" names a
            // folder, not what the image runs.
            let base = f
                .image_ref
                .split(" (built by")
                .next()
                .unwrap_or(&f.image_ref);
            let why = if base.to_ascii_lowercase().contains("nginx") {
                format!(
                    "php-fpm in {}: its image ({}) runs nginx too, but that nginx's configuration is not known here: the nginx ↔ php-fpm cross-checks were skipped",
                    rel(source, repo),
                    f.image_ref
                )
            } else if let Some(other) = containers.iter().find(|c| {
                // An nginx of an image not known here (devilbox/nginx-stable): there is
                // one, it is not linted.
                let image = c.image_ref.rsplit('/').next().unwrap_or(&c.image_ref);
                c.name != f.name
                    && !c.runs_nginx()
                    && [c.name.as_str(), image]
                        .iter()
                        .any(|w| w.to_ascii_lowercase().contains("nginx"))
            }) {
                format!(
                    "the nginx beside php-fpm in {} is {} ({}), whose image is not known here and which the repository gives no nginx file: it is not linted, and the nginx ↔ php-fpm cross-checks were skipped",
                    rel(source, repo),
                    other.name,
                    other.image_ref
                )
            } else {
                format!(
                    "no nginx found beside php-fpm in {}: the nginx ↔ php-fpm cross-checks were skipped",
                    rel(source, repo)
                )
            };
            out.deployments.push(fpm_only(f, f_side, why));
        }
    }
    // Nothing paired: containers named for nginx or PHP whose images this tool does not
    // know (wodby/nginx and wodby/drupal-php, set up by their environment) are said to be
    // passed over, rather than the repository having "no configuration".
    if out.deployments.len() == start {
        for c in containers {
            let image = c.image_ref.rsplit('/').next().unwrap_or(&c.image_ref);
            let image = image.split([':', '@']).next().unwrap_or(image);
            let nginx_like = [c.name.as_str(), image]
                .iter()
                .any(|w| w.to_ascii_lowercase().contains("nginx"));
            if (nginx_like || c.looks_like_php()) && !c.runs_nginx() && !c.runs_fpm() {
                unlinted.push(format!(
                    "{} ({}): its image is not known here and the repository gives it no nginx or php-fpm file: it takes its configuration from the image (and its environment), not linted",
                    c.name,
                    if c.image_ref.is_empty() { "no image" } else { &c.image_ref }
                ));
            }
        }
    }
    if !unlinted.is_empty() {
        match out.deployments.get_mut(start) {
            Some(first) => first.notes.extend(unlinted),
            None => out
                .skipped
                .extend(unlinted.into_iter().map(|w| (source.to_path_buf(), w))),
        }
    }
}

fn record_used(c: &Container, used: &mut Vec<PathBuf>) {
    // A folder mounted as application data into a container that runs neither server
    // (yii2-app-advanced's `./:/app` into an Apache image) does not make the nginx sample
    // in it (`vagrant/nginx/app.conf`) that container's: it is still a loose site.
    let serves = c.runs_nginx() || c.runs_fpm();
    let config_place = |target: &Path| {
        let t = target.to_string_lossy();
        t.starts_with("/etc")
            || t.starts_with("/usr/local/etc")
            || t.contains("nginx")
            || t.contains("php")
    };
    for m in &c.mounts {
        match &m.source {
            Source::File(h) => used.push(h.clone()),
            Source::Dir { host, .. } if serves || config_place(&m.target) => {
                used.push(host.clone())
            }
            Source::Bytes { host: Some(h), .. } => used.push(h.clone()),
            _ => {}
        }
    }
    for (h, _) in &c.templates {
        used.push(h.clone());
    }
}

/// Reads a repository and assembles its deployments.
pub fn assemble(repo: &Path) -> Assembled {
    assemble_with(repo, &BTreeMap::new())
}

/// [`assemble`] with values that win over the repository's `.env` files and reach the
/// containers' environment (the command line's `--env`: Compose's shell variables).
pub fn assemble_with(repo: &Path, overrides: &BTreeMap<String, String>) -> Assembled {
    compose::OVERRIDES.with(|o| *o.borrow_mut() = overrides.clone());
    let out = assemble_inner(repo, overrides);
    compose::OVERRIDES.with(|o| o.borrow_mut().clear());
    out
}

fn assemble_inner(repo: &Path, cli_env: &BTreeMap<String, String>) -> Assembled {
    // Absolute and normal, so that every path found one way compares equal to the same
    // path found another (a scan's `./a` and a Compose file's `a`).
    let repo = std::path::absolute(repo)
        .map(|r| lint_source::vfs::normalize(&r))
        .unwrap_or_else(|_| repo.to_path_buf());
    let files = repository::scan(&repo);
    let mut out = Assembled::default();
    // A checked-in copy of `/` is linted as a root elsewhere; here: Compose projects.
    let composes: Vec<&RepoFile> = files.iter().filter(|f| f.role == Role::Compose).collect();
    let dockerfiles: Vec<PathBuf> = files
        .iter()
        .filter(|f| f.role == Role::Dockerfile)
        .map(|f| f.path.clone())
        .collect();
    let mut built_dockerfiles: BTreeSet<PathBuf> = BTreeSet::new();
    // Override files merge into the base of their directory.
    let mut by_dir: BTreeMap<PathBuf, Vec<&RepoFile>> = BTreeMap::new();
    for f in &composes {
        by_dir
            .entry(f.path.parent().unwrap_or(Path::new("/")).to_path_buf())
            .or_default()
            .push(f);
    }
    // Files brought in by another's `include:` are part of that project, not their own.
    let mut included: BTreeSet<PathBuf> = BTreeSet::new();
    // The Dockerfiles Compose services build, with the image name each gives its build
    // (none: the service's own). A Dockerfile another service builds is not what an
    // image of another name runs: laradock builds ./nginx for its own nginx service,
    // and its mailu stack's `image: mailu/nginx` was taken as built by it.
    let mut claimed: BTreeMap<PathBuf, BTreeSet<Option<String>>> = BTreeMap::new();
    for f in &composes {
        if let Ok(text) = std::fs::read_to_string(&f.path) {
            if let Ok(parsed) = compose::parse(&f.path, &text) {
                included.extend(parsed.includes.into_iter().map(|i| i.path));
                for s in &parsed.services {
                    if let Some((_, dockerfile)) = &s.build {
                        claimed
                            .entry(dockerfile.clone())
                            .or_default()
                            .insert(s.image.clone());
                    }
                }
            }
        }
    }
    // Images the repository's CI builds, read once for every Compose file.
    let ci = ci_builds::find(&repo);
    // Images the repository's Compose files build (`build:` beside `image:`): a
    // Kubernetes manifest that runs one runs that build.
    let mut compose_builds: Vec<(String, compose::Service)> = Vec::new();
    for (_, group) in by_dir {
        let (overrides, bases): (Vec<&RepoFile>, Vec<&RepoFile>) = group
            .into_iter()
            .partition(|f| f.path.to_string_lossy().contains(".override."));
        // Services of each file, by name, and whether the file names an image or build.
        let mut service_names: BTreeMap<PathBuf, (BTreeSet<String>, bool)> = BTreeMap::new();
        for f in &bases {
            if let Ok(parsed) = std::fs::read_to_string(&f.path)
                .map_err(|e| e.to_string())
                .and_then(|t| compose::parse(&f.path, &t))
            {
                let images = parsed
                    .services
                    .iter()
                    .any(|s| s.image.is_some() || s.build.is_some());
                let names = parsed.services.into_iter().map(|s| s.name).collect();
                service_names.insert(f.path.clone(), (names, images));
            }
        }
        for base in bases {
            if included.contains(&base.path) {
                continue;
            }
            // A fragment given with `-f` after another file of its folder
            // (ucan-lab's compose-for-linux.yaml: entrypoint and command for `app`): its
            // services have neither image nor build, and are the other file's.
            let fragment_of = service_names.get(&base.path).and_then(|(names, images)| {
                if *images || names.is_empty() {
                    return None;
                }
                service_names
                    .iter()
                    .find(|(other, (theirs, their_images))| {
                        *other != &base.path && *their_images && names.is_subset(theirs)
                    })
                    .map(|(other, _)| other.clone())
            });
            if let Some(other) = fragment_of {
                out.used.push(base.path.clone());
                out.skipped.push((
                    base.path.clone(),
                    format!(
                        "its services have no image or build and are {}'s: a fragment given after it with `docker compose -f`; not linted on its own",
                        rel(&other, &repo)
                    ),
                ));
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&base.path) else {
                continue;
            };
            let mut parsed = match compose::parse(&base.path, &text) {
                Ok(p) => p,
                Err(e) => {
                    out.skipped.push((base.path.clone(), e));
                    continue;
                }
            };
            for o in &overrides {
                if let Ok(text) = std::fs::read_to_string(&o.path) {
                    if let Ok(extra) = compose::parse(&o.path, &text) {
                        merge(&mut parsed, extra);
                    }
                }
            }
            // `include:` brings other files' services into this project (bounded: an
            // include of an include is read, a cycle is not followed).
            let mut queue: Vec<compose::Include> = parsed.includes.clone();
            let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
            while let Some(inc) = queue.pop() {
                if !seen.insert(inc.path.clone()) || seen.len() > 64 {
                    continue;
                }
                let mut env = BTreeMap::new();
                for e in &inc.env_files {
                    env.extend(compose::read_env_file(e));
                }
                if let Ok(text) = std::fs::read_to_string(&inc.path) {
                    if let Ok(extra) =
                        compose::parse_in(&inc.path, &text, inc.project_directory.as_deref(), &env)
                    {
                        queue.extend(extra.includes.iter().cloned());
                        parsed.services.extend(extra.services);
                    }
                }
                out.used.push(inc.path.clone());
            }
            let mut notes = Vec::new();
            if !parsed.unset_variables.is_empty() {
                notes.push(format!(
                    "{}: {} not set (no .env beside it defines {}): Compose reads {} as empty; linted that way (set with --env NAME=VALUE)",
                    rel(&base.path, &repo),
                    parsed.unset_variables.join(", "),
                    if parsed.unset_variables.len() == 1 { "it" } else { "them" },
                    if parsed.unset_variables.len() == 1 { "it" } else { "them" },
                ));
            }
            // A service that builds and names its image (`build: .` + `image: example/app`)
            // makes that image for the services that only name it: they run the build.
            let builders: Vec<(String, compose::Service)> = parsed
                .services
                .iter()
                .filter(|s| s.build.is_some())
                .filter_map(|s| Some((s.image.clone()?, s.clone())))
                .collect();
            compose_builds.extend(builders.iter().cloned());
            let mut containers: Vec<Container> = parsed
                .services
                .iter()
                .map(|s| {
                    let built_elsewhere = s.build.is_none().then_some(()).and_then(|_| {
                        let image = s.image.as_ref()?;
                        let (_, b) = builders.iter().find(|(i, _)| i == image)?;
                        Some(compose::Service {
                            build: b.build.clone(),
                            build_target: b.build_target.clone(),
                            build_args: b.build_args.clone(),
                            build_keys: b.build_keys.clone(),
                            ..s.clone()
                        })
                    });
                    // Else an image the repository's CI builds (a production Compose
                    // file of registry images): it runs that Dockerfile.
                    let built_elsewhere = built_elsewhere.or_else(|| {
                        if s.build.is_some() {
                            return None;
                        }
                        let b = ci_builds::build_of(&ci, s.image_as_written.as_deref()?)
                            .filter(|b| b.dockerfile.is_file())?;
                        notes.push(format!(
                            "{}: {}'s image {} is built by {} from {}: linted as that build",
                            rel(&base.path, &repo),
                            s.name,
                            s.image_as_written.as_deref().unwrap_or(""),
                            b.source,
                            rel(&b.dockerfile, &repo)
                        ));
                        Some(compose::Service {
                            build: Some((b.context.clone(), b.dockerfile.clone())),
                            ..s.clone()
                        })
                    });
                    let s = built_elsewhere.as_ref().unwrap_or(s);
                    if let Some((_, df)) = &s.build {
                        built_dockerfiles.insert(df.clone());
                    }
                    let unclaimed: Vec<PathBuf> = dockerfiles
                        .iter()
                        .filter(|d| {
                            claimed
                                .get(*d)
                                .is_none_or(|images| s.image.is_some() && images.contains(&s.image))
                        })
                        .cloned()
                        .collect();
                    compose_container(s, &base.path, &repo, &unclaimed, &mut notes)
                })
                .collect();
            for c in &mut containers {
                c.env
                    .extend(cli_env.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            for c in &containers {
                record_used(c, &mut out.used);
            }
            out.used.push(base.path.clone());
            let before = out.deployments.len();
            pair(&base.path, &containers, &repo, &mut out, true);
            for d in &mut out.deployments[before..] {
                d.notes.extend(notes.iter().cloned());
            }
        }
    }
    // Kubernetes manifests.
    let manifests: Vec<&RepoFile> = files
        .iter()
        .filter(|f| f.role == Role::Kubernetes)
        .collect();
    if !manifests.is_empty() {
        let built = |image: &str| -> Option<compose::Service> {
            if let Some((_, s)) = compose_builds.iter().find(|(i, _)| i == image) {
                return Some(s.clone());
            }
            let b = ci_builds::build_of(&ci, image).filter(|b| b.dockerfile.is_file())?;
            Some(compose::Service {
                build: Some((b.context.clone(), b.dockerfile.clone())),
                ..compose::Service::default()
            })
        };
        crate::kubernetes::assemble(&manifests, &repo, &dockerfiles, &built, &mut out);
    }
    // Dockerfiles that no Compose file builds: an image of their own (its files are linted
    // where it copies them, with one side only when it runs one server).
    // What is used so far, for lookups: `out.used` grows with every image below, and a
    // repository of 2 000 Dockerfiles searched it once per Dockerfile.
    let mut used_so_far: BTreeSet<PathBuf> = BTreeSet::new();
    let mut taken = 0;
    for f in files.iter().filter(|f| f.role == Role::Dockerfile) {
        used_so_far.extend(out.used[taken..].iter().cloned());
        taken = out.used.len();
        if built_dockerfiles.contains(&f.path) || used_so_far.contains(&f.path) {
            continue;
        }
        let Some(text) = dockerfile::read_text(&f.path) else {
            continue;
        };
        let (df, context) = parse_in_guessed_context(&f.path, &text, &repo);
        let mut c = Container {
            name: rel(&f.path, &repo),
            ..Container::default()
        };
        c.names.push(c.name.clone());
        apply_dockerfile(&mut c, &df, &repo);
        c.command = df.command.clone();
        if !(c.runs_nginx() || c.runs_fpm()) {
            continue;
        }
        // A supervisord image runs both when it installs both.
        record_used(&c, &mut out.used);
        out.used.push(f.path.clone());
        // The other side built by a `--target` of the same Dockerfile (ClickAndMortar's
        // `php` stage beside the final `nginx` stage that copies its public files): one
        // such stage, the only one that runs the server the final image lacks.
        let other = if c.runs_nginx() != c.runs_fpm() {
            let wanted_fpm = c.runs_nginx();
            let stages: Vec<Container> = dockerfile::other_targets(&text)
                .into_iter()
                .filter_map(|stage| {
                    let sdf = dockerfile::parse_target(
                        &f.path,
                        &text,
                        &context,
                        &BTreeMap::new(),
                        Some(&stage),
                    );
                    let mut s = Container {
                        name: format!("{} (target {stage})", rel(&f.path, &repo)),
                        ..Container::default()
                    };
                    s.names.push(stage.clone());
                    apply_dockerfile(&mut s, &sdf, &repo);
                    s.command = sdf.command.clone();
                    let fits = if wanted_fpm {
                        s.runs_fpm() && !s.runs_nginx()
                    } else {
                        s.runs_nginx() && !s.runs_fpm()
                    };
                    fits.then_some(s)
                })
                .collect();
            match <[Container; 1]>::try_from(stages) {
                Ok([s]) => Some(s),
                Err(_) => None,
            }
        } else {
            None
        };
        let Some(other) = other else {
            pair(&f.path, std::slice::from_ref(&c), &repo, &mut out, false);
            continue;
        };
        record_used(&other, &mut out.used);
        let before = out.deployments.len();
        pair(&f.path, &[c, other], &repo, &mut out, false);
        // How the two targets run together (one pod, a Compose network) is not in the
        // repository: they are read as one network stack, as a pod runs them, and no
        // cross-container claim (X019, X021) is made.
        for d in &mut out.deployments[before..] {
            d.network = Network::default();
            d.notes.push("two targets of one Dockerfile, paired as one network stack (a pod): how they run together is not in the repository".into());
        }
    }
    loose_files(&files, &repo, &mut out);
    let used: BTreeSet<&Path> = out.used.iter().map(PathBuf::as_path).collect();
    let mut skipped = Vec::new();
    // Templates by folder and kind: a chart's templates folder is one note, not one per file.
    let mut templates: BTreeMap<(PathBuf, &str), Vec<&Path>> = BTreeMap::new();
    for f in &files {
        match &f.role {
            Role::Template(why) => templates
                .entry((
                    f.path.parent().unwrap_or(Path::new("")).to_path_buf(),
                    why,
                ))
                .or_default()
                .push(&f.path),
            Role::NginxDump => skipped.push((
                f.path.clone(),
                "saved `nginx -T` output: not a file of the repository's configuration; lint it with `nginx-fpm-lint --nginx-dump FILE` (or name it alone)".to_string(),
            )),
            // A large file a deployment mounts or includes is read there (up to the
            // file systems' own limit); one nothing uses would be linted on its own.
            Role::TooLarge(bytes) if !is_used(&f.path, &used) => {
                skipped.push((f.path.clone(), too_large(&f.path, *bytes)))
            }
            _ => {}
        }
    }
    for ((folder, why), paths) in templates {
        // A few are named one by one; a folder of them is one note.
        match paths.as_slice() {
            few if few.len() < 4 => skipped.extend(
                few.iter()
                    .map(|p| (p.to_path_buf(), format!("{why}: not rendered, not linted"))),
            ),
            _ => {
                let names: Vec<String> = paths
                    .iter()
                    .take(3)
                    .filter_map(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .collect();
                let more = paths.len().saturating_sub(names.len());
                skipped.push((
                    folder,
                    format!(
                        "{} files are a {why} ({}{}): not rendered, not linted",
                        paths.len(),
                        names.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    ),
                ));
            }
        }
    }
    out.skipped.extend(skipped);
    out
}

/// The first section header a php-fpm file opens (`[www]`, `[global]`), as written.
fn first_section(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| l.starts_with('['))
}

/// Why a file of `bytes` bytes at `path` was not linted.
fn too_large(path: &Path, bytes: u64) -> String {
    let limit = repository::size_limit(path) / (1024 * 1024);
    let size = bytes as f64 / 1e6;
    if matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yml" | "yaml")
    ) {
        format!("{size:.1} MB, larger than the {limit} MiB read as a Compose file or manifest; not linted")
    } else {
        format!("{size:.1} MB, larger than the {limit} MiB read to recognise configuration; not linted on its own (name it with --nginx or --fpm)")
    }
}

fn merge(base: &mut compose::ComposeFile, extra: compose::ComposeFile) {
    for s in extra.services {
        match base.services.iter_mut().find(|b| b.name == s.name) {
            Some(b) => {
                if s.image.is_some() {
                    b.image = s.image;
                }
                // `build:` merges key by key (`docker compose config`): an override's
                // `build: {target: dev}` keeps the base's context and Dockerfile (they
                // were lost, and the php-fpm service with them).
                if let Some((ctx, dockerfile)) = s.build {
                    b.build = Some(match b.build.take() {
                        Some((base_ctx, base_dockerfile)) => {
                            let ctx = if s.build_keys.context {
                                ctx
                            } else {
                                base_ctx.clone()
                            };
                            let dockerfile = match &s.build_keys.dockerfile {
                                Some(written) => ctx.join(written),
                                None => base_dockerfile
                                    .strip_prefix(&base_ctx)
                                    .map_or(base_dockerfile.clone(), |rel| ctx.join(rel)),
                            };
                            (ctx, lint_source::vfs::normalize(&dockerfile))
                        }
                        None => (ctx, dockerfile),
                    });
                }
                if s.build_target.is_some() {
                    b.build_target = s.build_target;
                }
                b.build_args.extend(s.build_args);
                if !s.command.is_empty() {
                    b.command = s.command;
                }
                if !s.entrypoint.is_empty() {
                    b.entrypoint = s.entrypoint;
                }
                b.mounts.extend(s.mounts);
                b.ports.extend(s.ports);
                b.names.extend(s.names);
                b.environment.extend(s.environment);
            }
            None => base.services.push(s),
        }
    }
}

/// Whether `path` is, or is inside, a path a deployment already uses (looked up by the
/// path's ancestors: a monorepo of 800 example folders has thousands of used paths).
fn is_used(path: &Path, used: &BTreeSet<&Path>) -> bool {
    path.ancestors().any(|a| used.contains(a))
}

/// Files no Compose file, Dockerfile or manifest places: linted where their image or
/// distribution would keep them, so that every rule runs on them.
/// A pool file that only overrides: it sets neither `listen` nor `pm` in any section (a
/// pool needs both), so it is meant to be merged into a pool defined elsewhere.
fn pool_override(text: &str) -> bool {
    let mut keys = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty()
            || line.starts_with(';')
            || line.starts_with('#')
            || line.starts_with('[')
        {
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.eq_ignore_ascii_case("listen")
            || key.eq_ignore_ascii_case("pm")
            || key.eq_ignore_ascii_case("include")
        {
            return false;
        }
        keys += 1;
    }
    keys > 0
}

/// Whether a loose nginx file shows Debian's layout itself: its folder
/// (`sites-available`, `sites-enabled`), Debian's socket folder or snippet, or the
/// `fastcgi.conf` the official image lacks.
fn debian_nginx_evidence(path: &Path) -> bool {
    let p = path.to_string_lossy();
    p.contains("sites-available")
        || p.contains("sites-enabled")
        || std::fs::read_to_string(path).is_ok_and(|text| {
            text.lines()
                .map(str::trim_start)
                .filter(|l| !l.starts_with('#'))
                .any(|l| {
                    l.contains("/run/php/")
                        || l.contains("snippets/fastcgi-php.conf")
                        || (l.starts_with("include") && l.contains("fastcgi.conf"))
                })
        })
}

/// Whether the loose nginx files log in the `main` format without defining it (and
/// bring no nginx.conf of their own): they rely on an nginx.conf that defines it, the
/// official image's or Alpine's.
fn relies_on_stock_main_format(loose: &[&RepoFile]) -> bool {
    let nginx: Vec<String> = loose
        .iter()
        .filter(|f| matches!(f.role, Role::Nginx { .. }))
        .filter(|f| f.role != Role::Nginx { main: true })
        .filter_map(|f| std::fs::read_to_string(&f.path).ok())
        .collect();
    let own_main = loose.iter().any(|f| f.role == Role::Nginx { main: true });
    let statements = || {
        nginx.iter().flat_map(|text| {
            text.lines()
                .map(str::trim_start)
                .filter(|l| !l.starts_with('#'))
                .map(|l| l.split('#').next().unwrap_or(l))
        })
    };
    let logs_main = statements().any(|l| {
        let mut words = l.split_whitespace();
        words.next() == Some("access_log")
            && words
                .nth(1)
                .is_some_and(|format| format.trim_end_matches(';') == "main")
    });
    let defines_main = statements().any(|l| {
        let mut words = l.split_whitespace();
        words.next() == Some("log_format") && words.next() == Some("main")
    });
    !own_main && logs_main && !defines_main
}

fn loose_files(files: &[RepoFile], repo: &Path, out: &mut Assembled) {
    let used: BTreeSet<&Path> = out.used.iter().map(PathBuf::as_path).collect();
    let unused = |f: &RepoFile| {
        matches!(
            f.role,
            Role::Nginx { .. } | Role::Fpm { .. } | Role::PhpIni | Role::NginxTemplate
        ) && !is_used(&f.path, &used)
    };
    // Folders of unplaced nginx files: a file of `map`s beside them that a Compose file
    // mounts goes with them too (read424's php_mapping.conf defines the $phpfpm every
    // site passes to; without it, an unplaced site's variable was "unknown").
    let loose_folders: BTreeSet<&Path> = files
        .iter()
        .filter(|f| matches!(f.role, Role::Nginx { .. }) && unused(f))
        .filter_map(|f| f.path.parent())
        .collect();
    let loose: Vec<&RepoFile> = files
        .iter()
        .filter(|f| {
            unused(f)
                || matches!(f.role, Role::Nginx { .. })
                    && f.path.parent().is_some_and(|d| loose_folders.contains(d))
                    && defines_only(&f.path)
        })
        .collect();
    if loose.is_empty() {
        return;
    }
    let mut nginx_c = Container {
        name: "repository files (nginx)".into(),
        host: true,
        ..Container::default()
    };
    let mut fpm_c = Container {
        name: "repository files (php-fpm)".into(),
        host: true,
        ..Container::default()
    };
    // Debian's layout, by path, or by what the files name: its socket folder
    // `/run/php/` (the official php image has none), `/etc/php/<version>/`, its
    // `snippets/fastcgi-php.conf` (an Ansible role's `files/www.conf` with
    // `listen = /run/php/app.sock` was placed in the php image and lost to its [www]),
    // its `fastcgi.conf`, which the official nginx image lacks.
    let debian = loose.iter().any(|f| {
        let p = f.path.to_string_lossy();
        p.contains("sites-available")
            || p.contains("sites-enabled")
            || p.contains("/etc/php/")
            || std::fs::read_to_string(&f.path).is_ok_and(|text| {
                text.lines()
                    .map(str::trim_start)
                    .filter(|l| !l.starts_with(';') && !l.starts_with('#'))
                    .any(|l| {
                        l.contains("/run/php/")
                            || l.contains("/etc/php/")
                            || l.contains("snippets/fastcgi-php.conf")
                            // The official nginx image has no fastcgi.conf; distributions
                            // do (phpBB's docs/nginx.sample.conf).
                            || (l.starts_with("include") && l.contains("fastcgi.conf"))
                    })
            })
    });
    // nginx takes Debian's layout from php-fpm's evidence only when its own sites do not
    // say otherwise: a site that logs in the `main` format it does not define was written
    // for an nginx.conf that does (the official image's, Alpine's; Debian's has none).
    // wenyamu/nginx_demo keeps a Debian-style php-fpm.conf (`include=/etc/php/7.4/...`)
    // beside sites for the official image: read in Debian's nginx, three false NGX014.
    let nginx_debian = debian
        && (loose
            .iter()
            .any(|f| matches!(f.role, Role::Nginx { .. }) && debian_nginx_evidence(&f.path))
            || !relies_on_stock_main_format(&loose));
    let debian_fpm = debian;
    let debian = nginx_debian;
    let alpine = !debian
        && loose
            .iter()
            .any(|f| f.path.to_string_lossy().contains("http.d"));
    // FreeBSD's prefix (ports, Bastille jail templates): nginx never lives under
    // /usr/local/etc/nginx in an image. Its nginx runs as `www`, which owns the pools'
    // sockets there: read as the official image's `nginx`, a false X003 (triage 17b).
    let freebsd = !debian
        && !alpine
        && loose
            .iter()
            .any(|f| f.path.to_string_lossy().contains("usr/local/etc/nginx/"));
    // The php version of a Debian tree: its /etc/php/<version>/ folder (the newest).
    let php = loose
        .iter()
        .filter_map(|f| {
            let p = f.path.to_string_lossy();
            let rest = &p[p.find("/etc/php/")? + "/etc/php/".len()..];
            let version = rest.split('/').next()?;
            crate::dockerfile::is_php_version(version).then(|| version.to_string())
        })
        .max_by(|a, b| php_version_order(a).cmp(&php_version_order(b)))
        .unwrap_or_else(|| "8.2".to_string());
    let nginx_image = if debian {
        stock::debian_packages(true, false, &php)
    } else if alpine {
        stock::alpine_packages(true, false, "")
    } else if freebsd {
        stock::freebsd_packages(true, false)
    } else {
        stock::image("nginx:latest")
    };
    let fpm_image = if debian_fpm {
        stock::debian_packages(false, true, &php)
    } else if freebsd {
        stock::freebsd_packages(false, true)
    } else {
        stock::image("php:fpm")
    };
    nginx_c.image = nginx_image;
    nginx_c.image_ref = if debian {
        "Debian nginx package".into()
    } else if alpine {
        "Alpine nginx package".into()
    } else if freebsd {
        "FreeBSD nginx package (user www; the official image's nginx.conf stands in)".into()
    } else {
        "nginx (official image)".into()
    };
    // A repository's own nginx.conf says its user; without one, the stand-in nginx.conf
    // gets FreeBSD's (its own `user nginx;` would decide whom the sockets must admit).
    let own_main = loose
        .iter()
        .any(|f| matches!(f.role, Role::Nginx { main: true }));
    // Sites without their own nginx.conf are read inside a stand-in: what names they use
    // that it lacks may be the real includer's (vichan's `map` in a sibling proxy.conf,
    // maxpou's `upstream` written by its Dockerfile), as for `--nginx FILE`.
    // An envsubst template is written for the official image, whose nginx.conf is then
    // the includer indeed (nginx -t rejects what it lacks).
    nginx_c.includer_unknown = !own_main && !loose.iter().any(|f| f.role == Role::NginxTemplate);
    if freebsd && !own_main {
        if let Some((_, bytes)) = stock::NGINX_OFFICIAL
            .files
            .iter()
            .find(|(p, _)| *p == "/etc/nginx/nginx.conf")
        {
            let text = String::from_utf8_lossy(bytes).replacen("user  nginx;", "user  www;", 1);
            nginx_c.mounts.push(Mount {
                guessed: true,
                target: PathBuf::from("/etc/nginx/nginx.conf"),
                source: Source::Bytes {
                    bytes: Arc::from(text.into_bytes()),
                    origin: Arc::from("the official image's nginx.conf with FreeBSD's user www"),
                    host: None,
                    located: None,
                },
                why: "FreeBSD's nginx runs as www (the port's --user=www)".into(),
            });
        }
    }
    fpm_c.image = fpm_image;
    fpm_c.image_ref = if debian_fpm {
        format!("Debian php{php}-fpm package")
    } else if freebsd {
        "FreeBSD php-fpm package".into()
    } else {
        "php:fpm (official image)".into()
    };
    // Where a loose php-fpm main file includes its pools from (perusio's php5-fpm.conf:
    // `include=/etc/php5/fpm/pool.d/*.conf`): its pool files go there, or it reads none.
    let main_pool_dir: Option<PathBuf> = loose
        .iter()
        .filter(|f| matches!(f.role, Role::Fpm { main: true }))
        .filter_map(|f| std::fs::read_to_string(&f.path).ok())
        .find_map(|text| {
            text.lines().find_map(|line| {
                let (key, value) = line.split_once('=')?;
                if key.trim() != "include" {
                    return None;
                }
                let pattern = Path::new(value.trim().trim_matches('"'));
                let dir = pattern.parent()?;
                (pattern.is_absolute()
                    && pattern.to_string_lossy().ends_with("*.conf")
                    && !dir.to_string_lossy().contains(['*', '$']))
                .then(|| dir.to_path_buf())
            })
        });
    let mut nginx_mains: Vec<&RepoFile> = Vec::new();
    let mut sites: Vec<&RepoFile> = Vec::new();
    // Pool folders beside a loose main file, already placed whole.
    let mut pool_folders: Vec<PathBuf> = Vec::new();
    for f in &loose {
        let name = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match f.role {
            Role::Nginx { main: true } => nginx_mains.push(f),
            Role::Nginx { main: false } | Role::NginxTemplate => {
                // A template of a whole nginx.conf (`events`/`http` at the top:
                // wj1918/openshift-diy-nginx-php's nginx.conf.tmpl, which a deploy hook
                // renders into place) is no site: inside a server's conf.d it was an
                // NGX011 per top-level directive. It is a main file, its placeholders
                // read as the sites' templates' are.
                if f.role == Role::NginxTemplate
                    && std::fs::read(&f.path).is_ok_and(|bytes| {
                        repository::nginx_is_main(&String::from_utf8_lossy(&bytes))
                    })
                {
                    nginx_mains.push(f);
                    continue;
                }
                // A site file goes where the image includes sites from.
                if !looks_like_site(&f.path) {
                    continue;
                }
                // With a sites-enabled folder beside it, sites-available holds what may be
                // enabled: only the enabled ones (links there) run.
                let in_available = f
                    .path
                    .parent()
                    .is_some_and(|p| p.ends_with("sites-available"));
                let enabled_dir = f
                    .path
                    .parent()
                    .and_then(Path::parent)
                    .map(|p| p.join("sites-enabled"));
                // Enabled by a link of its name (the link itself is not a file the scan
                // places); a regular file of that name is placed on its own.
                let enabled = |d: &Path| {
                    std::fs::read_dir(d).is_ok_and(|entries| {
                        entries.filter_map(Result::ok).any(|e| {
                            e.file_name() == f.path.file_name().unwrap_or_default()
                                && e.file_type().is_ok_and(|t| t.is_symlink())
                        })
                    })
                };
                if in_available && enabled_dir.is_some_and(|d| !enables_nothing(&d) && !enabled(&d))
                {
                    continue;
                }
                sites.push(f);
            }
            Role::Fpm { main } => {
                // An override (no `listen`, no `pm`: lando's www.conf of four pm.* lines,
                // YunoHost's extra_php-fpm.conf of env[] and php_value[]) is read after the
                // image's pools, as its installer puts it (lando mounts zz-lando.conf;
                // YunoHost appends it to the pool): php-fpm merges a [section] into the
                // pool of that name, and header-less lines continue the pool before them.
                // Placed under its own name it replaced the stock www.conf, or opened the
                // global section.
                // A file that opens with `[global]` is a main file even without an
                // `include` (magento-cloud-docker's php-fpm.conf, COPYed over the image's):
                // placed in php-fpm.d beside the stock pools, those overrode its pool.
                let text = std::fs::read_to_string(&f.path).unwrap_or_default();
                let first_section = first_section(&text);
                let opens =
                    |header: &str| first_section.is_some_and(|h| h.eq_ignore_ascii_case(header));
                // Unless what follows `[global]` only adjusts a pool others define (the
                // official image's own zz-docker.conf shape: `[global]` error_log, then
                // `[www]` catch_workers_output; passbolt's copy of it got three false
                // FPM006 errors as a main file).
                // A file in the pool folder beside a loose main file (`php-fpm.conf` and
                // `php-fpm.d/`, a copy of the image's /usr/local/etc: EasyEngine v4's
                // site folder `config/php`, whose `php-fpm.d/easyengine.conf` opens with
                // `[global]` and then holds the `[www]` pool) is one of its pools, read
                // through its `include`, not a second main file.
                let in_pool_folder = !main
                    && f.path.parent().is_some_and(|dir| {
                        dir.file_name()
                            .is_some_and(|n| n == "php-fpm.d" || n == "pool.d")
                            && loose.iter().any(|g| {
                                matches!(g.role, Role::Fpm { main: true })
                                    && g.path.parent() == dir.parent()
                            })
                    });
                // The folder is placed whole where the pools are read from, in place of the
                // image's (as a loose nginx.conf's conf.d/ replaces the image's sites): the
                // repository keeps the tree php-fpm reads (EasyEngine's volume holds only
                // easyengine.conf: the image's www.conf beside it was a false FPM112).
                if in_pool_folder {
                    let Some(dir) = f.path.parent() else {
                        continue;
                    };
                    if !pool_folders.iter().any(|d| d == dir) {
                        pool_folders.push(dir.to_path_buf());
                        let target = main_pool_dir.clone().unwrap_or_else(|| {
                            PathBuf::from(if debian {
                                format!("/etc/php/{php}/fpm/pool.d")
                            } else {
                                "/usr/local/etc/php-fpm.d".to_string()
                            })
                        });
                        fpm_c.mounts.push(Mount {
                            guessed: true,
                            why: format!(
                                "{} stands for {} (the image's pools there are replaced)",
                                rel(dir, repo),
                                target.display()
                            ),
                            target,
                            source: Source::Dir {
                                host: dir.to_path_buf(),
                                merge: false,
                            },
                        });
                    }
                    continue;
                }
                let main = main || (opens("[global]") && !pool_override(&text));
                let is_override = !main && pool_override(&text);
                let target = if main {
                    PathBuf::from(if debian_fpm {
                        format!("/etc/php/{php}/fpm/php-fpm.conf")
                    } else {
                        "/usr/local/etc/php-fpm.conf".to_string()
                    })
                } else {
                    main_pool_dir
                        .clone()
                        .unwrap_or_else(|| {
                            PathBuf::from(if debian_fpm {
                                format!("/etc/php/{php}/fpm/pool.d")
                            } else {
                                "/usr/local/etc/php-fpm.d".to_string()
                            })
                        })
                        // `zz-` again for a `zz-docker.conf` of the repository's own: read
                        // after the image's file of that name, not in its place.
                        .join(if is_override {
                            format!("zz-{name}")
                        } else if opens("[www]") {
                            // A whole `[www]` pool under another name (VVV's php-www.conf, a
                            // pasted www-ubuntu.conf) is the image's www.conf, put there by the
                            // provisioning: beside the stock one, each overrode the other.
                            "www.conf".to_string()
                        } else {
                            name.clone()
                        })
                };
                let kind = if is_override {
                    "loose php-fpm override: no listen or pm of its own, read after the image's pools"
                } else {
                    "loose php-fpm file"
                };
                fpm_c.mounts.push(Mount {
                    guessed: true,
                    target: target.clone(),
                    source: Source::File(f.path.clone()),
                    why: format!(
                        "{} placed as {} ({kind})",
                        rel(&f.path, repo),
                        target.display()
                    ),
                });
            }
            // Debian keeps one php.ini per SAPI: the CLI's (max_execution_time 0,
            // memory_limit -1 by design), Apache's, CGI's are not php-fpm's (moode's
            // cli/php.ini was read as php-fpm's, before its fpm/php.ini).
            Role::PhpIni
                if f.path.components().any(|c| {
                    matches!(
                        c.as_os_str().to_str(),
                        Some("cli" | "apache2" | "cgi" | "phpdbg" | "embed")
                    )
                }) || cli_ini_name(&name) => {}
            Role::PhpIni => {
                let dir = if debian_fpm {
                    format!("/etc/php/{php}/fpm")
                } else {
                    "/usr/local/etc/php".to_string()
                };
                // `php.ini` is php.ini; another ini file (`10-opcache.ini`,
                // `zz-custom.ini`) is a fragment PHP reads from conf.d after it.
                let name = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let target = if name == "php.ini" || name.starts_with("php.ini-") {
                    PathBuf::from(format!("{dir}/php.ini"))
                } else {
                    PathBuf::from(format!("{dir}/conf.d/{name}"))
                };
                // Every candidate is kept: alternatives in folders of their own each take
                // theirs (`fpm_per_folder`); else the first one wins (`first_per_target`).
                fpm_c.mounts.push(Mount {
                    guessed: true,
                    target: target.clone(),
                    source: Source::File(f.path.clone()),
                    why: format!("{} placed as {}", rel(&f.path, repo), target.display()),
                });
            }
            _ => {}
        }
    }
    // A main file's folder stands for /etc/nginx: the site files in it are in place, and
    // only those its `include`s reach run (h5bp/server-configs-nginx keeps templates in
    // conf.d/templates/ and CI vhosts in test/vhosts/: placed into conf.d they met the
    // real default server, six false findings). The ones no include reaches are linted
    // each on its own, as sites nothing enables.
    let main_of = |f: &RepoFile| {
        nginx_mains
            .iter()
            .find(|m| m.path.parent().is_some_and(|d| f.path.starts_with(d)))
            .copied()
    };
    // sites-available keeps its own reading (enabled by links, or each alone).
    let in_available = |f: &RepoFile| {
        f.path
            .parent()
            .is_some_and(|p| p.ends_with("sites-available"))
    };
    let patterns: BTreeMap<&Path, Vec<(PathBuf, glob::Pattern)>> = nginx_mains
        .iter()
        .map(|m| (m.path.as_path(), include_patterns(m, &loose)))
        .collect();
    let reached: Vec<PathBuf> = sites
        .iter()
        .filter(|f| !in_available(f))
        .filter(|f| {
            main_of(f).is_some_and(|m| {
                patterns
                    .get(m.path.as_path())
                    .is_some_and(|p| included_by(p, &f.path))
            })
        })
        .map(|f| f.path.clone())
        .collect();
    // The folder each main file includes its sites from, read once.
    let site_folders: BTreeMap<&Path, Option<PathBuf>> = nginx_mains
        .iter()
        .map(|m| (m.path.as_path(), site_folder_of(&m.path, &reached)))
        .collect();
    // Looked up once per site: sets, not the list (a 5 000-site folder made it quadratic).
    let reached_set: BTreeSet<&Path> = reached.iter().map(PathBuf::as_path).collect();
    let reached_folders: BTreeSet<&Path> = reached.iter().filter_map(|r| r.parent()).collect();
    let mut unreached: BTreeMap<(PathBuf, PathBuf), PathBuf> = BTreeMap::new();
    // The site files of each such folder (what runs when the folder is the main file's own).
    let mut unreached_sites: BTreeMap<(PathBuf, PathBuf), Vec<PathBuf>> = BTreeMap::new();
    sites.retain(|f| {
        let Some(m) = main_of(f).filter(|_| !in_available(f)) else {
            return true;
        };
        if reached_set.contains(f.path.as_path()) {
            return false;
        }
        let folder = f.path.parent().unwrap_or(repo).to_path_buf();
        // A file the include's glob leaves out of a folder it reads (h5bp's
        // `conf.d/.default.conf`: a leading dot disables a site) does not run.
        if reached_folders.contains(folder.as_path()) {
            return false;
        }
        // A file without a `server` block is a snippet a site includes (LEMPer's
        // /etc/nginx/vhost/site_*.conf, `include`d inside each server): the main file's
        // folder already puts it where the include names it. Taken for a folder of sites
        // in place of sites-enabled, its `location`s were 80 false NGX011.
        if !has_server_block(&f.path) && !defines_only(&f.path) {
            return false;
        }
        let Some(Some(included)) = site_folders.get(m.path.as_path()) else {
            return true;
        };
        unreached_sites
            .entry((m.path.clone(), folder.clone()))
            .or_default()
            .push(f.path.clone());
        unreached.insert((m.path.clone(), folder), included.clone());
        false
    });
    let site_groups = alternative_sites(&sites, repo, sites_of_separate_containers(out, repo));
    let site_dir = if debian {
        "/etc/nginx/sites-enabled"
    } else if alpine {
        "/etc/nginx/http.d"
    } else {
        "/etc/nginx/conf.d"
    };
    // A loose site's `include /etc/nginx/partials/x.conf` names where the repository's
    // `partials/` folder is meant to land: mount the one folder whose path ends so.
    let mut wanted_dirs: Vec<PathBuf> = Vec::new();
    let mut wanted_files: Vec<String> = Vec::new();
    for f in &loose {
        let Ok(text) = std::fs::read_to_string(&f.path) else {
            continue;
        };
        for arg in include_args(&text) {
            // A relative include is read from nginx's prefix, /etc/nginx.
            let arg = if arg.starts_with('/') {
                arg.to_string()
            } else {
                format!("/etc/nginx/{arg}")
            };
            if let Some(rel_path) = arg.strip_prefix("/etc/nginx/") {
                match Path::new(rel_path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    Some(dir) => wanted_dirs.push(dir.to_path_buf()),
                    None if !lint_source::vfs::has_glob(rel_path) => {
                        wanted_files.push(rel_path.to_string())
                    }
                    None => {}
                }
            }
        }
    }
    let under_a_main = |path: &Path| {
        nginx_mains
            .iter()
            .any(|m| m.path.parent().is_some_and(|d| path.starts_with(d)))
    };
    // `include /etc/nginx/ssl.conf;` with the repository's one `ssl.conf` (matomo-nginx
    // keeps it at its top, to be copied into /etc/nginx).
    wanted_files.sort();
    wanted_files.dedup();
    for name in wanted_files {
        let target = Path::new("/etc/nginx").join(&name);
        if nginx_c.mounts.iter().any(|m| m.target == target) {
            continue;
        }
        // The file of that name among the repository's nginx files, else beside the
        // folder of the sites that include it (a snippet of a few `ssl_*` lines is too
        // short to be recognised by its content).
        let mut candidates: BTreeSet<PathBuf> = files
            .iter()
            .filter(|f| f.path.file_name().is_some_and(|n| n == name.as_str()))
            .map(|f| f.path.clone())
            .collect();
        if candidates.is_empty() {
            candidates = loose
                .iter()
                .filter_map(|s| s.path.parent()?.parent().map(|d| d.join(&name)))
                .filter(|p| p.starts_with(repo) && p.is_file())
                .collect();
        }
        // Under a main file's folder, which stands for /etc/nginx: already there.
        if candidates.iter().any(|c| under_a_main(c)) {
            continue;
        }
        if candidates.len() == 1 {
            let Some(one) = candidates.into_iter().next() else {
                continue;
            };
            if sites.iter().any(|s| s.path == one) {
                continue;
            }
            nginx_c.mounts.push(Mount {
                guessed: true,
                target: target.clone(),
                source: Source::File(one.clone()),
                why: format!(
                    "{} placed as {} (a loose site includes it there)",
                    rel(&one, repo),
                    target.display()
                ),
            });
        }
    }
    wanted_dirs.sort();
    wanted_dirs.dedup();
    for dir in wanted_dirs {
        let target = Path::new("/etc/nginx").join(&dir);
        // Sites are placed below: a folder that would hold them is theirs.
        if nginx_c.mounts.iter().any(|m| m.target.starts_with(&target))
            || (!sites.is_empty() && Path::new(site_dir).starts_with(&target))
        {
            continue;
        }
        let candidates: Vec<PathBuf> = files
            .iter()
            .filter_map(|f| f.path.parent())
            .filter(|p| p.ends_with(&dir))
            .map(Path::to_path_buf)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if let [host] = candidates.as_slice() {
            if under_a_main(host) {
                continue;
            }
            nginx_c.mounts.push(Mount {
                guessed: true,
                target: target.clone(),
                source: Source::Dir {
                    host: host.clone(),
                    merge: true,
                },
                why: format!(
                    "{} placed as {} (a loose site includes it there)",
                    rel(host, repo),
                    target.display()
                ),
            });
        }
    }
    let has_sites = !sites.is_empty();
    // A php.ini or an ini fragment alone (an Apache variant's, a template folder's,
    // craftcms/docker's craft-cms.ini for its images' conf.d) is no php-fpm: no pool of it
    // is known to cross-check nginx against.
    let has_fpm = fpm_c
        .mounts
        .iter()
        .any(|m| !m.target.to_string_lossy().ends_with(".ini"));
    // The image's or package's default site would also answer (and claim
    // `default_server` on port 80): loose sites come without the steps that deploy them,
    // and the usual one is to replace it (`rm /etc/nginx/sites-enabled/default`).
    let default_site = if debian {
        "/etc/nginx/sites-enabled/default"
    } else if alpine {
        "/etc/nginx/http.d/default.conf"
    } else {
        "/etc/nginx/conf.d/default.conf"
    };
    if has_sites {
        nginx_c.mounts.insert(
            0,
            Mount {
                guessed: false,
                target: PathBuf::from(default_site),
                source: Source::Removed,
                why: "the repository's sites replace the image's default site".into(),
            },
        );
    }
    let source = repo.to_path_buf();
    let mut containers = Vec::new();
    // Every main file runs with each group of alternative sites in turn.
    let groups_of_a_main: Vec<(String, Vec<&RepoFile>)> = if site_groups.is_empty() {
        vec![(String::new(), Vec::new())]
    } else {
        site_groups.clone()
    };
    // Sites under a main file's folder run with that main file only (one image folder
    // per variant, `a/conf/nginx.conf` + `a/conf/sites/`): pairing every main with every
    // folder's sites made a deployment of each combination.
    let owns = |m: &RepoFile, group: &[&RepoFile]| {
        let dir = m.path.parent().unwrap_or(repo);
        !group.is_empty() && group.iter().all(|f| f.path.starts_with(dir))
    };
    let groups_for = |m: &RepoFile| -> Vec<&SiteGroup> {
        if nginx_mains.len() < 2 {
            return groups_of_a_main.iter().collect();
        }
        let own: Vec<_> = groups_of_a_main
            .iter()
            .filter(|(_, g)| owns(m, g))
            .collect();
        if !own.is_empty() {
            return own;
        }
        let unowned: Vec<_> = groups_of_a_main
            .iter()
            .filter(|(_, g)| !nginx_mains.iter().any(|other| owns(other, g)))
            .collect();
        unowned
    };
    let pairs: Vec<(&RepoFile, &SiteGroup, usize)> = nginx_mains
        .iter()
        .flat_map(|m| {
            let groups = groups_for(m);
            let n = groups.len();
            groups.into_iter().map(move |g| (*m, g, n))
        })
        .collect();
    let lone_mains: Vec<&RepoFile> = nginx_mains
        .iter()
        .copied()
        .filter(|m| !pairs.iter().any(|(p, _, _)| std::ptr::eq(*p, *m)))
        .collect();
    let empty: (String, Vec<&RepoFile>) = (String::new(), Vec::new());
    let pairs = pairs
        .into_iter()
        .chain(lone_mains.into_iter().map(|m| (m, &empty, 1)));
    // The folder each nginx container comes from, for its php-fpm files.
    let mut folders: Vec<PathBuf> = Vec::new();
    for (m, (label, group), groups_of_this_main) in pairs {
        // A whole nginx.conf: its directory stands for /etc/nginx.
        let mut c = nginx_c.clone();
        folders.push(m.path.parent().unwrap_or(repo).to_path_buf());
        let own_dir = main_site_dir(
            &m.path,
            site_dir,
            own_place(m.path.parent().unwrap_or(repo), repo).as_deref(),
        );
        place_sites(
            &mut c,
            group,
            &own_dir,
            own_dir.ends_with("sites-enabled"),
            repo,
        );
        c.name = if groups_of_this_main > 1 {
            format!("{} (sites: {label})", rel(&m.path, repo))
        } else {
            rel(&m.path, repo)
        };
        run_main_file(&mut c, &m.path, repo);
        containers.push(c);
    }
    if has_sites && nginx_mains.is_empty() {
        for (label, group) in &site_groups {
            let mut c = nginx_c.clone();
            place_sites(&mut c, group, site_dir, debian, repo);
            if site_groups.len() > 1 {
                c.name = format!("repository files (nginx: {label})");
            }
            folders.push(common_folder(group).unwrap_or_else(|| repo.to_path_buf()));
            containers.push(c);
        }
    }
    // A folder of sites no include reaches runs in place of the folder the main file
    // includes its sites from (h5bp's CI mounts test/vhosts/ as conf.d/), with the main
    // file's other files around it (its snippets). Only such folders are in `unreached`.
    for ((main, folder), included) in &unreached {
        let mut c = nginx_c.clone();
        let conf_dir = run_main_file(&mut c, main, repo);
        let target = Path::new(&conf_dir).join(included);
        // Templates kept inside the folder they are for (h5bp's conf.d/templates/, copied
        // beside conf.d/no-ssl.default.conf) run with that folder's own sites; another
        // folder replaces it (h5bp's CI mounts test/vhosts/ as conf.d/).
        let main_dir = main.parent().unwrap_or(repo);
        let inside = folder.parent() == Some(main_dir.join(included).as_path());
        if folder.as_path() == main_dir || holds_snippets(folder) {
            // The main file's own folder (highload-lemp keeps nginx.conf and default.conf
            // at its top): its sites run in the sites folder, not the folder itself, which
            // would put nginx.conf inside its own http block (nine false NGX011, a cycle).
            // Likewise a folder of server-context snippets with a site among them
            // (ISPConfig's directive snippets, one a whole server: 203 false NGX011 on
            // PageSpeedPlus/ubuntu): the snippets stay where they are, for the includes
            // that name them there.
            for site in unreached_sites
                .get(&(main.clone(), folder.clone()))
                .into_iter()
                .flatten()
            {
                let Some(name) = site.file_name() else {
                    continue;
                };
                c.mounts.push(Mount {
                    guessed: true,
                    target: target.join(name),
                    source: Source::File(site.clone()),
                    why: format!(
                        "{} in {}: no include of {} reaches it where it sits",
                        rel(site, repo),
                        target.display(),
                        rel(main, repo)
                    ),
                });
            }
            c.name = format!(
                "{} (sites: {} in {})",
                rel(main, repo),
                rel(folder, repo),
                included.display()
            );
            folders.push(folder.clone());
            containers.push(c);
            continue;
        }
        c.mounts.push(Mount {
            guessed: true,
            target: target.clone(),
            source: Source::Dir {
                host: folder.clone(),
                merge: inside,
            },
            // Where the folder sits beside the main file is what no include reaches; the
            // include it stands for does reach its new place (VVV's custom-sites: "no
            // include reaches it" read as contradicting `include custom-sites/*.conf`).
            why: {
                let main_dir = main.parent().unwrap_or(repo);
                let beside = folder
                    .strip_prefix(main_dir)
                    .map(|r| Path::new(&conf_dir).join(r).display().to_string())
                    .unwrap_or_else(|_| rel(folder, repo));
                format!(
                    "{} {} {}: no include of {} reaches it where it sits ({beside})",
                    rel(folder, repo),
                    if inside { "merged into" } else { "in place of" },
                    target.display(),
                    rel(main, repo)
                )
            },
        });
        c.name = format!(
            "{} (sites: {} {} {})",
            rel(main, repo),
            rel(folder, repo),
            if inside {
                "beside those of"
            } else {
                "in place of"
            },
            included.display()
        );
        folders.push(folder.clone());
        containers.push(c);
    }
    // Loose files of one repository are taken as one host: one loopback, no known names.
    // Alternatives (one folder per example) each run with the php-fpm files of their own
    // folder, and those of no example's folder: lando's examples each have a php.ini, and
    // one has a pool override, which is not the others'.
    let before = out.deployments.len();
    let mut pods = containers;
    match fpm_per_folder(&fpm_c, &folders, repo).filter(|_| has_fpm) {
        Some(own) => {
            for (i, (c, fpm)) in pods.iter_mut().zip(own.iter()).enumerate() {
                c.pod = Some(format!("files {i}"));
                let mut fpm = fpm.clone();
                fpm.pod = Some(format!("files {i}"));
                pair(&source, &[c.clone(), fpm], repo, out, false);
            }
        }
        None => {
            if has_fpm {
                first_per_target(&mut fpm_c.mounts);
                pods.push(fpm_c);
            }
            for c in &mut pods {
                c.pod = Some("files".into());
            }
            pair(&source, &pods, repo, out, false);
        }
    }
    for d in &mut out.deployments[before..] {
        d.network = Network::default();
        d.notes.push("loose configuration files, linted where their image or distribution keeps them (no Compose file, Dockerfile or manifest places them)".into());
    }
}

/// An ini file named for PHP's command line (`php-cli.ini`, `cli.ini`, `php_cli.ini`):
/// PHP reads `php-cli.ini` instead of php.ini in the CLI only (khs1994-docker/lnmp's
/// devcontainer keeps one, with `memory_limit = -1`), never in php-fpm.
fn cli_ini_name(name: &str) -> bool {
    let stem = name
        .strip_suffix(".ini")
        .unwrap_or(name)
        .to_ascii_lowercase();
    stem.split(['-', '_', '.']).any(|word| word == "cli")
}

/// The `include` patterns of a main file and of the files in its folder, each with the
/// file it is written in: relative to the folder, which stands for /etc/nginx (or for the
/// prefix its includes name: Centmin Mod's /usr/local/nginx/conf). Read once per main file.
fn include_patterns(main: &RepoFile, files: &[&RepoFile]) -> Vec<(PathBuf, glob::Pattern)> {
    let Some(dir) = main.path.parent() else {
        return Vec::new();
    };
    let conf_dir = conf_dir_of(&main.path, dir);
    let mut out = Vec::new();
    for f in files.iter().filter(|f| f.path.starts_with(dir)) {
        let Ok(text) = std::fs::read_to_string(&f.path) else {
            continue;
        };
        for arg in include_args(&text) {
            let rel = arg
                .strip_prefix(&format!("{conf_dir}/"))
                .or_else(|| arg.strip_prefix("/etc/nginx/"))
                .unwrap_or(arg);
            if rel.starts_with('/') {
                continue;
            }
            if let Ok(pattern) = glob::Pattern::new(&dir.join(rel).to_string_lossy()) {
                out.push((f.path.clone(), pattern));
            }
        }
    }
    out
}

/// Whether a site file under a main file's folder is read by nginx: an include pattern of
/// another file there names it, as nginx expands globs (`*` stops at `/`, a leading dot
/// is literal).
fn included_by(patterns: &[(PathBuf, glob::Pattern)], site: &Path) -> bool {
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    patterns
        .iter()
        .any(|(from, p)| from != site && p.matches_path_with(site, options))
}

/// The folder (relative to /etc/nginx) a main file includes its sites from: the first
/// `include` whose last component is a glob (`conf.d/*.conf`, `/etc/nginx/sites-enabled/*`)
/// and whose folder holds sites it `reached`.
fn site_folder_of(main: &Path, reached: &[PathBuf]) -> Option<PathBuf> {
    let text = std::fs::read_to_string(main).ok()?;
    let main_dir = main.parent()?;
    let conf_dir = conf_dir_of(main, main_dir);
    let globbed_folder = |reads_sites: &dyn Fn(&Path) -> bool| {
        include_args(&text).find_map(|arg| {
            let rel = arg
                .strip_prefix(&format!("{conf_dir}/"))
                .or_else(|| arg.strip_prefix("/etc/nginx/"))
                .unwrap_or(arg);
            let path = Path::new(rel);
            let last = path.file_name()?.to_string_lossy();
            let dir = path.parent()?;
            (lint_source::vfs::has_glob(&last)
                && !rel.starts_with('/')
                && !dir.as_os_str().is_empty()
                && !lint_source::vfs::has_glob(&dir.to_string_lossy())
                && reads_sites(dir))
            .then(|| dir.to_path_buf())
        })
    };
    // The folder the main file's sites are read from (`conf.d/`), not one of main-level
    // snippets (h5bp's `custom.d/*.conf` outside `http`): the one a site of the
    // repository is read from, else one named for sites (VVV's `custom-sites/*.conf`,
    // which its provisioning fills from `config/sites/`: its sites went to a
    // sites-enabled this nginx.conf never reads, "No problems found").
    globbed_folder(&|dir| {
        reached
            .iter()
            .any(|r| r.parent() == Some(&main_dir.join(dir)))
    })
    .or_else(|| {
        globbed_folder(&|dir| {
            let name = dir.to_string_lossy().to_ascii_lowercase();
            name.contains("site") || name.contains("vhost") || name.ends_with("servers")
        })
    })
}

/// Keeps the first mount of each target (two loose php.ini files cannot both be php.ini).
fn first_per_target(mounts: &mut Vec<Mount>) {
    let mut seen = BTreeSet::new();
    mounts.retain(|m| seen.insert(m.target.clone()));
}

/// The folder all of a group's files are in (`None`: no files).
fn common_folder(group: &[&RepoFile]) -> Option<PathBuf> {
    let mut folder = group.first()?.path.parent()?.to_path_buf();
    for f in group {
        while !f.path.starts_with(&folder) {
            folder = folder.parent()?.to_path_buf();
        }
    }
    Some(folder)
}

/// The php-fpm container of each loose nginx container when the repository keeps its
/// alternatives in folders of their own and some php-fpm file lies in one of them: each
/// gets the files of its own folder and those of no alternative's folder (its own
/// winning where both land on one path). `None`: one php-fpm serves them all.
///
/// An alternative's folder is the shortest ancestor of its nginx files that holds no
/// other alternative's: `examples/8.2` for `examples/8.2/nginx/site.conf` beside
/// `examples/8.3/nginx/site.conf`, so that `examples/8.2/php/www.conf` is its own.
fn fpm_per_folder(fpm: &Container, folders: &[PathBuf], repo: &Path) -> Option<Vec<Container>> {
    // Alternatives of one folder (one main file's sites-available) share its php-fpm.
    let distinct: BTreeSet<&PathBuf> = folders.iter().collect();
    if folders.len() < 2 || distinct.len() < folders.len() {
        return None;
    }
    let units: Vec<PathBuf> = folders
        .iter()
        .enumerate()
        .map(|(i, folder)| {
            let mut unit = folder.clone();
            for ancestor in folder.ancestors() {
                if !ancestor.starts_with(repo) || ancestor == repo {
                    break;
                }
                let shared = folders
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && other.starts_with(ancestor));
                if shared {
                    break;
                }
                unit = ancestor.to_path_buf();
            }
            unit
        })
        .collect();
    let source_of = |m: &Mount| match &m.source {
        Source::File(p) => Some(p.clone()),
        _ => None,
    };
    let owner = |m: &Mount| -> Option<usize> {
        let path = source_of(m)?;
        let owners: BTreeSet<&PathBuf> = units
            .iter()
            .filter(|u| path.starts_with(u) && u.as_path() != repo)
            .collect();
        match owners.len() {
            1 => units.iter().position(|u| Some(&u) == owners.iter().next()),
            _ => None,
        }
    };
    if !fpm.mounts.iter().any(|m| owner(m).is_some()) {
        return None;
    }
    let labelled = folders.len();
    Some(
        (0..labelled)
            .map(|i| {
                let mut c = fpm.clone();
                let own: Vec<Mount> = fpm
                    .mounts
                    .iter()
                    .filter(|m| owner(m) == Some(i))
                    .cloned()
                    .collect();
                let mut mounts: Vec<Mount> = fpm
                    .mounts
                    .iter()
                    .filter(|m| owner(m).is_none() && !own.iter().any(|o| o.target == m.target))
                    .cloned()
                    .collect();
                mounts.extend(own);
                first_per_target(&mut mounts);
                c.mounts = mounts;
                c.name = format!("repository files (php-fpm: {})", rel(&units[i], repo));
                c
            })
            .collect(),
    )
}

/// Runs nginx with a loose main file: its folder stands for the folder its includes name
/// (`/etc/nginx` mostly), below every other layer, and `nginx -c` names it. Returns that
/// folder.
fn run_main_file(c: &mut Container, main: &Path, repo: &Path) -> String {
    let main_dir = main.parent().unwrap_or(repo);
    let conf_dir = conf_dir_of(main, main_dir);
    c.mounts.insert(
        0,
        Mount {
            guessed: true,
            target: PathBuf::from(&conf_dir),
            source: Source::Dir {
                host: main_dir.to_path_buf(),
                merge: true,
            },
            why: format!("{} stands for {conf_dir}", rel(main_dir, repo)),
        },
    );
    let mut at = 1;
    // A main file kept at its own place in a copy of / (`usr/local/etc/nginx/nginx.conf`,
    // Homebrew's and FreeBSD's prefix): its folder is also that place, where its sites'
    // absolute includes name its files (MaximRazor/CatalinaNginxPhp's site includes
    // `/usr/local/etc/nginx/php-fpm.conf`, kept beside nginx.conf: a false NGX005).
    if let Some(own) = own_place(main_dir, repo) {
        if own != Path::new(&conf_dir) {
            c.mounts.insert(
                at,
                Mount {
                    guessed: true,
                    target: own.clone(),
                    source: Source::Dir {
                        host: main_dir.to_path_buf(),
                        merge: true,
                    },
                    why: format!(
                        "{} is also {}, its place",
                        rel(main_dir, repo),
                        own.display()
                    ),
                },
            );
            at += 1;
        }
    }
    for (host, target) in named_siblings(main, main_dir, &conf_dir) {
        let why = format!(
            "{} is included from {} by {}: an installer copies it there",
            rel(&host, repo),
            target.display(),
            rel(main, repo)
        );
        c.mounts.insert(
            at,
            Mount {
                guessed: true,
                target,
                source: Source::File(host),
                why,
            },
        );
        at += 1;
    }
    // Its own site folders replace the image's (the stock conf.d/default.conf beside the
    // repository's localhost.conf was a false NGX101 in yeszao/dnmp, triage 17c), as a
    // loose folder of sites already does.
    for folder in ["conf.d", "sites-enabled", "http.d"] {
        let host = main_dir.join(folder);
        if host.is_dir() {
            c.mounts.insert(
                at,
                Mount {
                    guessed: true,
                    target: Path::new(&conf_dir).join(folder),
                    source: Source::Dir { host, merge: false },
                    why: format!(
                        "{} stands for {conf_dir}/{folder} (the image's sites there are replaced)",
                        rel(&main_dir.join(folder), repo)
                    ),
                },
            );
            at += 1;
        }
    }
    c.command = vec![
        "nginx".into(),
        "-c".into(),
        format!(
            "{conf_dir}/{}",
            main.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
    ];
    conf_dir
}

/// Where a loose nginx.conf's folder belongs: `/etc/nginx`, unless its absolute
/// includes name another folder whose files are beside it (Centmin Mod's
/// `include /usr/local/nginx/conf/maintenance.conf;` with `maintenance.conf` next to
/// nginx.conf: its folder is /usr/local/nginx/conf).
fn conf_dir_of(main: &Path, main_dir: &Path) -> String {
    const DEFAULT: &str = "/etc/nginx";
    let Ok(text) = std::fs::read_to_string(main) else {
        return DEFAULT.into();
    };
    let mut votes: BTreeMap<String, usize> = BTreeMap::new();
    for arg in include_args(&text) {
        if !arg.starts_with('/') || lint_source::vfs::has_glob(arg) {
            continue;
        }
        // Each way of splitting the path into a folder and a part found beside nginx.conf.
        let path = Path::new(arg);
        for dir in path.ancestors().skip(1) {
            let Ok(rest) = path.strip_prefix(dir) else {
                continue;
            };
            if dir.as_os_str().len() > 1 && main_dir.join(rest).is_file() {
                *votes.entry(dir.to_string_lossy().into_owned()).or_default() += 1;
                break;
            }
        }
    }
    // A folder the main file's own wildcard include reads is not where the main file is:
    // Hestia's nginx.conf includes /etc/nginx/conf.d/cloudflare.inc (beside it in the
    // repository, copied there by the installer) and /etc/nginx/conf.d/*.conf, and its
    // folder taken for conf.d made nginx.conf include itself (a false NGX003).
    let name = main.file_name().unwrap_or_default();
    let globs: Vec<&str> = include_args(&text)
        .filter(|a| a.starts_with('/') && lint_source::vfs::has_glob(a))
        .collect();
    votes.retain(|dir, _| {
        let placed = Path::new(dir).join(name);
        !globs
            .iter()
            .any(|g| lint_source::vfs::glob_matches(g, &placed))
    });
    match votes.iter().max_by_key(|(_, n)| **n) {
        Some((dir, _)) if !votes.contains_key(DEFAULT) => dir.clone(),
        _ => DEFAULT.into(),
    }
}

/// The files beside a main file that its includes name by a full path outside the folder
/// the main file's folder stands for (`include /etc/nginx/conf.d/cloudflare.inc;` with
/// cloudflare.inc beside nginx.conf, its folder /etc/nginx): (file, where it is included
/// from). An installer copies them there.
fn named_siblings(main: &Path, main_dir: &Path, conf_dir: &str) -> Vec<(PathBuf, PathBuf)> {
    let Ok(text) = std::fs::read_to_string(main) else {
        return Vec::new();
    };
    include_args(&text)
        .filter(|a| a.starts_with('/') && !lint_source::vfs::has_glob(a))
        .filter_map(|a| {
            let target = Path::new(a);
            let name = target.file_name()?;
            // Where the folder already puts it, nothing to add.
            if Path::new(conf_dir).join(name) == target {
                return None;
            }
            let host = main_dir.join(name);
            host.is_file().then(|| (host, target.to_path_buf()))
        })
        .collect()
}

/// Whether the deployments found run two or more nginx containers whose site folder
/// (`/etc/nginx/conf.d`, ...) is bound from different folders outside the repository
/// (wenyamu/nginx_demo: a front proxy on `/www1/conf_f`, static servers on
/// `/www1/conf_s`). The repository's loose sites are then meant for one container or the
/// other, and read as one server's, their shared `server_name` was a false NGX101 and
/// NGX107.
fn sites_of_separate_containers(out: &Assembled, repo: &Path) -> bool {
    let is_site_folder = |target: &Path| {
        target.file_name().is_some_and(|name| {
            crate::SITE_FOLDERS
                .iter()
                .any(|folder| name == std::ffi::OsStr::new(folder))
        }) && target.parent().is_some_and(|p| {
            crate::NGINX_PREFIXES
                .iter()
                .any(|prefix| p == Path::new(prefix))
        })
    };
    let outside: BTreeSet<String> = out
        .deployments
        .iter()
        .filter_map(|d| d.nginx.as_ref())
        .flat_map(|side| side.fs.mounts())
        .filter(|m| !m.guessed && is_site_folder(&m.target))
        .filter_map(|m| match &m.source {
            Source::Shared(key)
                if key
                    .strip_prefix("bind:")
                    .is_some_and(|host| !Path::new(host).starts_with(repo)) =>
            {
                Some(key.clone())
            }
            Source::Dir { host, .. } if !host.starts_with(repo) => {
                Some(format!("bind:{}", host.display()))
            }
            _ => None,
        })
        .collect();
    outside.len() > 1
}

/// A group of loose sites that run together, with its label.
type SiteGroup<'f> = (String, Vec<&'f RepoFile>);

/// Whether a `sites-enabled` folder of the repository enables nothing: absent, or holding
/// only dot files (the `.gitkeep` that keeps an empty folder in git: deliciousbrains'
/// wordpress-nginx ships its six sites in sites-available/ to be linked by the user, and
/// none was linted).
fn enables_nothing(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |entries| {
        entries
            .filter_map(Result::ok)
            .all(|e| e.file_name().to_string_lossy().starts_with('.'))
    })
}

/// Loose site files grouped into what runs together. Sites are alternatives, each group
/// linted as its own deployment, when the repository shows they are examples to choose
/// from rather than sites of one server: files of one name in several folders
/// (`examples/8.2/nginx.conf`, `examples/8.3/nginx.conf`: one group per folder), or a
/// `sites-available` folder with no `sites-enabled` beside it (nothing is enabled: each
/// site alone). Enabling them all at once made every example's `default_server` and
/// `server_name` conflict with the others'. Otherwise one group holds them all.
///
/// `separate`: the repository runs several nginx containers whose site folders come from
/// different folders outside it, which the loose sites are copied into by hand: which
/// site goes where is not written anywhere, so each site is its own group.
fn alternative_sites<'f>(
    sites: &[&'f RepoFile],
    repo: &Path,
    separate: bool,
) -> Vec<(String, Vec<&'f RepoFile>)> {
    let folder = |f: &RepoFile| f.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut folders_by_name: BTreeMap<std::ffi::OsString, BTreeSet<PathBuf>> = BTreeMap::new();
    for f in sites {
        if let Some(name) = f.path.file_name() {
            folders_by_name
                .entry(name.to_os_string())
                .or_default()
                .insert(folder(f));
        }
    }
    let by_folder = folders_by_name.values().any(|folders| folders.len() > 1);
    let mut groups: BTreeMap<PathBuf, Vec<&'f RepoFile>> = BTreeMap::new();
    let nothing_enabled = |dir: &Path| {
        dir.ends_with("sites-available")
            && dir
                .parent()
                .is_none_or(|p| enables_nothing(&p.join("sites-enabled")))
    };
    // A catch-all site (`000-default`, `default`) of such a folder is enabled beside
    // whichever site is: perusio/drupal-with-nginx ships one `listen 80 default_server`
    // for every site, and each site linted without it was told no server is the default.
    let catch_all = |f: &RepoFile| {
        let dir = folder(f);
        let stem = f
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let bare = stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
        nothing_enabled(&dir)
            && bare == "default"
            && sites.iter().any(|o| folder(o) == dir && o.path != f.path)
    };
    for f in sites.iter().filter(|f| !catch_all(f)) {
        let dir = folder(f);
        let key = if separate || nothing_enabled(&dir) {
            f.path.clone()
        } else if by_folder {
            dir
        } else {
            PathBuf::new()
        };
        groups.entry(key).or_default().push(f);
    }
    for f in sites.iter().filter(|f| catch_all(f)) {
        let dir = folder(f);
        let mut joined = false;
        let stem = |p: &Path| {
            p.file_stem()
                .map(|s| s.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default()
        };
        let own = stem(&f.path);
        for (key, group) in groups.iter_mut() {
            // `default-7`, `default-72` beside `default` (PageSpeedPlus/easyengine-2: one
            // per PHP version) are the catch-all's alternatives, enabled instead of it.
            let variant = stem(key)
                .strip_prefix(own.as_str())
                .is_some_and(|rest| rest.starts_with(['-', '_', '.']));
            if key.parent() == Some(dir.as_path()) && !variant {
                group.insert(0, f);
                joined = true;
            }
        }
        // Every site of the folder a catch-all (`default`, `000-default`): each alone.
        if !joined {
            groups.entry(f.path.clone()).or_default().push(f);
        }
    }
    groups
        .into_iter()
        .map(|(key, g)| {
            let label = if key.as_os_str().is_empty() {
                "the other sites".to_string()
            } else {
                rel(&key, repo)
            };
            (label, g)
        })
        .collect()
}

/// The place a main file's folder has in a copy of / kept in the repository
/// (`usr/local/etc/nginx/` is `/usr/local/etc/nginx`), when it is kept so.
fn own_place(main_dir: &Path, repo: &Path) -> Option<PathBuf> {
    let own = Path::new("/").join(main_dir.strip_prefix(repo).ok()?);
    own.components()
        .nth(1)
        .is_some_and(|c| matches!(c.as_os_str().to_str(), Some("etc" | "usr" | "opt")))
        .then_some(own)
}

/// Mounts loose site files where the image includes sites from (`dir`).
/// Where a main file reads its sites from: `dir` when one of its glob includes reads it,
/// else the first folder it reads by a glob (Hestia's nginx.conf reads conf.d/*.conf
/// and no sites-enabled: a sibling placed in sites-enabled was never loaded).
fn main_site_dir(main: &Path, dir: &str, own: Option<&Path>) -> String {
    let Ok(text) = std::fs::read_to_string(main) else {
        return dir.to_string();
    };
    // Sites are read inside `http`: Hestia's top-level `include conf.d/main/*.conf` loads
    // modules, and its sites come from `conf.d/*.conf` below `http {`.
    let Some(http) = text.lines().position(|l| {
        let l = l.trim_start();
        l.strip_prefix("http")
            .is_some_and(|rest| rest.trim_start().starts_with('{'))
    }) else {
        return dir.to_string();
    };
    let in_http: String = text.lines().skip(http).collect::<Vec<_>>().join("\n");
    let globbed: Vec<String> = include_args(&in_http)
        .filter(|arg| arg.contains('*'))
        .filter_map(|arg| {
            let folder = Path::new(arg).parent()?.to_string_lossy().into_owned();
            Some(if folder.starts_with('/') {
                folder
            } else {
                format!("/etc/nginx/{folder}")
            })
        })
        // Or below the main file's own place in a copy of / (a Homebrew nginx.conf's
        // `include /usr/local/etc/nginx/sites-enabled/*.conf;`).
        .filter(|folder| {
            !folder.contains('*')
                && (folder.starts_with("/etc/nginx/")
                    || own.is_some_and(|o| Path::new(folder).starts_with(o)))
        })
        .collect();
    if globbed.is_empty() || globbed.iter().any(|f| f == dir) {
        return dir.to_string();
    }
    globbed[0].clone()
}

fn place_sites(c: &mut Container, sites: &[&RepoFile], dir: &str, debian: bool, repo: &Path) {
    for f in sites {
        let name = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut target_name = name.trim_end_matches(".template").to_string();
        if !debian && !target_name.ends_with(".conf") {
            target_name.push_str(".conf");
        }
        // Two sites of one name in one group both run: keep both. A stock file the
        // repository's sites replace (`default.conf`, removed) leaves its name free: the
        // template rendered to `default.conf` was named `default-2.conf` (rewardenv).
        let mut n = 1;
        while c.mounts.iter().any(|m| {
            m.target == Path::new(dir).join(&target_name) && !matches!(m.source, Source::Removed)
        }) {
            n += 1;
            let stem = name.trim_end_matches(".template").trim_end_matches(".conf");
            target_name = format!("{stem}-{n}.conf");
        }
        c.mounts.push(Mount {
            guessed: true,
            target: Path::new(dir).join(&target_name),
            source: Source::File(f.path.clone()),
            why: format!(
                "{} placed as {dir}/{target_name} (loose site file)",
                rel(&f.path, repo)
            ),
        });
        place_included_siblings(c, f, sites, dir, repo);
    }
}

/// The files a loose site includes from the folder it is placed in, taken from the folder
/// it sits in (`include conf.d/demo-include-php.config;` beside `demo-www.conf`, which
/// lands in /etc/nginx/conf.d: khs1994-docker/lnmp keeps its sites' `.config` snippets
/// there, and the whole folder is what its Compose file mounts as conf.d). Placed alone,
/// the site's snippets were missing: a false NGX002 per include.
fn place_included_siblings(
    c: &mut Container,
    site: &RepoFile,
    sites: &[&RepoFile],
    dir: &str,
    repo: &Path,
) {
    let Some(folder) = site.path.parent() else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(&site.path) else {
        return;
    };
    for arg in include_args(&text) {
        if lint_source::vfs::has_glob(arg) || arg.contains('$') {
            continue;
        }
        // A relative include is read from nginx's prefix, /etc/nginx.
        let target = if arg.starts_with('/') {
            PathBuf::from(arg)
        } else {
            Path::new("/etc/nginx").join(arg)
        };
        let target = lint_source::vfs::normalize(&target);
        let Ok(rest) = target.strip_prefix(dir) else {
            continue;
        };
        // A `.conf` right in the sites' folder would also be read as a site there, at
        // http level, by the image's `include conf.d/*.conf`: whether the deployment puts
        // it there is not known (a snippet of `location`s would stop nginx), so it is left.
        let in_glob =
            rest.components().count() == 1 && rest.extension().is_some_and(|e| e == "conf");
        let host = folder.join(rest);
        if in_glob
            || !host.starts_with(folder)
            || !host.is_file()
            || sites.iter().any(|s| s.path == host)
            || c.mounts.iter().any(|m| m.target == target)
        {
            continue;
        }
        c.mounts.push(Mount {
            guessed: true,
            why: format!(
                "{} placed as {} (the loose site beside it includes it there)",
                rel(&host, repo),
                target.display()
            ),
            target,
            source: Source::File(host),
        });
    }
}

/// A file of http-level definitions only (`map`, `geo`, `upstream` blocks, no `server`):
/// what the sites beside it may name.
fn defines_only(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let mut defines = false;
    for line in text.lines() {
        let statement = line.trim_start();
        if line.starts_with("server ")
            || line.starts_with("server{")
            || statement.starts_with("location ")
        {
            return false;
        }
        defines |= ["map ", "geo ", "upstream "]
            .iter()
            .any(|b| line.starts_with(b))
            && line.trim_end().ends_with('{');
    }
    defines
}

/// Whether a file holds a `server` block (a site, not a snippet a site includes, even
/// one with a `map` in it: LEMPer's site_wordpress-bwps.conf).
fn has_server_block(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| {
        t.lines().any(|l| {
            let l = l.trim_start();
            (l.starts_with("server ") || l.starts_with("server{")) && !l.starts_with("server_")
        })
    })
}

/// A fragment that is a site (a `server` block) rather than a snippet included by one.
fn looks_like_site(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .map(|t| {
            t.lines().any(|l| {
                let l = l.trim_start();
                (l.starts_with("server ") || l.starts_with("server{")) && !l.starts_with("server_")
            })
            // A file of http-level blocks only (Hestia's 0rtt-anti-replay.conf, one `map`),
            // copied where the sites go by its installer: unplaced, the variable it
            // defines was unknown to every site.
            || t.lines().any(|l| {
                (l.starts_with("map ") || l.starts_with("geo "))
                    && l.trim_end().ends_with('{')
            })
        })
        .unwrap_or(false)
}

/// A shell assignment line (`NAME=value`, `export NAME="value"`): the name, and the value
/// when it is plain (no `$`, space or backquote), else `None` (not known).
fn shell_assignment(line: &str) -> Option<(&str, Option<String>)> {
    let assignment = line.strip_prefix("export ").unwrap_or(line).trim();
    // One word: `NAME=value nginx -c ...` is a command run with that variable.
    if crate::supervisord::words(assignment).len() != 1 {
        return None;
    }
    let (name, value) = assignment.split_once('=')?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let value = value.trim_matches(|c| c == '"' || c == '\'');
    Some((
        name,
        (!value.contains(['$', ' ', '`'])).then(|| value.to_string()),
    ))
}

/// Whether `program` in `command` is given one of `flags` (a short one may be grouped with
/// others: `php-fpm -FR`).
fn flag_of(command: &[String], program: &str, flags: &[&str]) -> bool {
    let Some(start) = program_at(command, program) else {
        return false;
    };
    command[start + 1..]
        .iter()
        .take_while(|w| {
            !(matches!(w.as_str(), "&" | "&&" | ";" | "|" | "||")
                || (w.len() > 1 && (w.ends_with(';') || w.ends_with('&'))))
        })
        .any(|w| {
            flags.iter().any(|f| {
                w == f
                    || (f.len() == 2
                        && !f.starts_with("--")
                        && w.starts_with('-')
                        && !w.starts_with("--")
                        && w[1..].chars().all(|c| c.is_ascii_alphabetic())
                        && w.contains(&f[1..]))
            })
        })
}

/// The text (first 64 KiB) of a script on this machine: enough for what a start script
/// does before the servers start, bounded for a binary named like one.
/// The name a line defines a shell function with (`name() {`, `name ()`, `function
/// name {`), if it does.
fn function_name(line: &str) -> Option<&str> {
    let head = line.strip_prefix("function ").unwrap_or(line);
    let name = head.split(['(', ' ', '{']).next()?.trim();
    let rest = head[name.len()..].trim_start();
    let defines = rest.starts_with("()") || (line.starts_with("function ") && !name.is_empty());
    (defines && !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then_some(name)
}

/// A shell script's lines outside any condition or loop, trimmed, without comments and
/// blank lines: a command inside `if`, `case`, `for`, `while` or `until` may not run, so
/// only the top level is followed.
fn top_level_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0usize;
    text.lines().map(str::trim).filter(move |line| {
        if line.is_empty() || line.starts_with('#') {
            return false;
        }
        match line.split_whitespace().next().unwrap_or("") {
            "if" | "case" | "for" | "while" | "until" => {
                depth += 1;
                false
            }
            "fi" | "esac" | "done" | "fi;" | "done;" => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        }
    })
}

/// A start script with its shell functions' bodies written where they are called, their
/// definitions left out, so that a reader of top-level commands sees what a call does
/// (`render_site` whose body renders a fixed template). A call with redirections to a
/// function whose body calls envsubst with none (bolt's `substitute_environment_variables
/// < default.conf.template > default.conf`, a list of names computed inside) becomes
/// `envsubst` with those redirections: every value of the environment. A body ends at a
/// line that begins with `}` (`} # done`); calls nest at most four deep.
fn inline_functions(text: &str) -> String {
    let mut bodies: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut top: Vec<&str> = Vec::new();
    let mut current: Option<(&str, Vec<&str>)> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        match current.as_mut() {
            Some((_, body)) => {
                if trimmed.starts_with('}') {
                    bodies.extend(current.take());
                } else {
                    body.push(trimmed);
                }
            }
            None => match function_name(trimmed) {
                Some(name) => {
                    // `name() { envsubst ...; }` on one line.
                    let inline = trimmed
                        .split_once('{')
                        .map(|(_, b)| b.trim().trim_end_matches('}').trim().trim_end_matches(';'));
                    match inline.filter(|_| trimmed.ends_with('}')) {
                        Some(body) => bodies.push((name, vec![body])),
                        None => current = Some((name, Vec::new())),
                    }
                }
                None => top.push(trimmed),
            },
        }
    }
    if bodies.is_empty() {
        return text.to_string();
    }
    fn expand(line: &str, bodies: &[(&str, Vec<&str>)], depth: usize, out: &mut String) {
        let words = crate::supervisord::words(line);
        let called = words
            .first()
            .and_then(|w| bodies.iter().find(|(name, _)| name == w))
            .filter(|_| depth < 4);
        let Some((_, body)) = called else {
            out.push_str(line);
            out.push('\n');
            return;
        };
        let redirections: Vec<&String> = words
            .iter()
            .skip(1)
            .filter(|w| w.starts_with(['<', '>']) || w.starts_with('/'))
            .collect();
        let renders = body
            .iter()
            .any(|l| l.split_whitespace().next() == Some("envsubst") && !l.contains(['<', '>']));
        if renders && !redirections.is_empty() {
            out.push_str("envsubst");
            for w in redirections {
                out.push(' ');
                out.push_str(w);
            }
            out.push('\n');
            return;
        }
        for l in body {
            expand(l, bodies, depth + 1, out);
        }
    }
    let mut out = String::with_capacity(text.len());
    for line in top {
        expand(line, &bodies, 0, &mut out);
    }
    out
}

fn script_head(host: &Path) -> Option<String> {
    let mut head = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(host).ok()?, 64 * 1024),
        &mut head,
    )
    .ok()?;
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// The absolute script paths a one-line shell command runs where a command starts (first,
/// or after `&`, `&&`, `;`, `|`, `||`, `exec`): `exporter --flag & /entrypoint.sh` runs
/// `/entrypoint.sh`. At most 4.
fn scripts_run_by(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at_start = true;
    for w in text.split_whitespace() {
        let separator = matches!(w, "&" | "&&" | ";" | "|" | "||");
        if at_start && !separator && w != "exec" {
            let w = w.trim_matches(['"', '\'', ';']);
            if w.starts_with('/') && !w.contains('$') && out.len() < 4 {
                out.push(w.to_string());
            }
        }
        at_start = separator || w == "exec" || w.ends_with(';');
    }
    out
}

/// The folders a start script runs every script of: `for f in /entrypoints/*; do . "$f";
/// done` (the loop's list, a glob of the whole folder) and `run-parts DIR`. Absolute
/// folders only; comments are not read.
fn script_folders_run(script: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for line in script.lines().map(str::trim_start) {
        if line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|w| !w.is_empty())
            .collect();
        for (i, w) in words.iter().enumerate() {
            let dir = match *w {
                "in" if i >= 2 && words[i - 2] == "for" => words
                    .get(i + 1)
                    .map(|d| d.trim_matches(['"', '\'']))
                    .and_then(|d| d.strip_suffix("/*").or_else(|| d.strip_suffix("/*.sh"))),
                "run-parts" => words[i + 1..]
                    .iter()
                    .find(|d| !d.starts_with('-'))
                    .map(|d| d.trim_matches(['"', '\''])),
                _ => None,
            };
            if let Some(dir) = dir.filter(|d| d.starts_with('/') && !d.contains('$')) {
                let dir = PathBuf::from(dir);
                if !out.contains(&dir) {
                    out.push(dir);
                }
            }
        }
    }
    out
}

/// Where `program` runs in a command's words: a word naming it (`nginx`, `nginx-debug`,
/// `/usr/sbin/php-fpm8.2`, `php-fpm82`) where a command starts: first, after a shell
/// separator (`;`, `&&`, a word ending in `;`), or after a wrapper and its options
/// (`exec`, `sudo -u www-data`, `gosu www-data`, `tini --`, `NAME=value`). In `mkdir -p
/// /run/nginx; supervisord -c ...` no word runs nginx (its folder was taken for it, and
/// the supervisord file for nginx's main file).
fn program_at(command: &[String], program: &str) -> Option<usize> {
    let names = |w: &str| {
        let base = w.rsplit('/').next().unwrap_or(w);
        // Debian's and Ubuntu's php5-fpm package (up to Debian 8, Ubuntu 15.10) names its
        // binary `php5-fpm`, not `php-fpm5` (bhurlow/docker-kirby-nginx's
        // `CMD /usr/sbin/php5-fpm ... --allow-to-run-as-root`).
        (program == "php-fpm" && base == "php5-fpm")
            || base.strip_prefix(program).is_some_and(|rest| {
                rest.is_empty()
                    || rest == "-debug"
                    || rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            })
    };
    let separator = |w: &str| {
        matches!(
            w,
            "&" | "&&" | ";" | "|" | "||" | "then" | "do" | "else" | "(" | "{"
        ) || (w.len() > 1 && (w.ends_with(';') || w.ends_with('&')))
    };
    let wrapper = |w: &str| {
        matches!(
            w.rsplit('/').next().unwrap_or(w),
            "exec"
                | "sudo"
                | "nohup"
                | "env"
                | "nice"
                | "setsid"
                | "command"
                | "time"
                | "dumb-init"
                | "tini"
                | "--"
                | "su-exec"
                | "gosu"
                | "chpst"
                | "s6-setuidgid"
                | "runuser"
                | "doas"
                | "catatonit"
        )
    };
    // Wrappers whose first operand is an account, not the program (`gosu www-data nginx`).
    let takes_user = |w: &str| {
        matches!(
            w.rsplit('/').next().unwrap_or(w),
            "su-exec" | "gosu" | "chpst" | "s6-setuidgid"
        )
    };
    let starts_command = |i: usize| {
        let mut j = i;
        while j > 0 {
            let prev = command[j - 1].as_str();
            if separator(prev) {
                return true;
            }
            if wrapper(prev)
                || prev.starts_with('-')
                || (prev.contains('=') && !prev.starts_with('='))
            {
                j -= 1;
                continue;
            }
            // An operand of a wrapper's option or a wrapper's account: `sudo -u www-data`,
            // `gosu www-data`.
            if j >= 2 && (command[j - 2].starts_with('-') || takes_user(&command[j - 2])) {
                j -= 2;
                continue;
            }
            return false;
        }
        true
    };
    command
        .iter()
        .enumerate()
        .position(|(i, w)| names(w) && !separator(w) && starts_command(i))
}

/// The value of one of `flags` among `program`'s own arguments in a command's words
/// (`-y FILE` or `--fpm-config=FILE`).
fn arg_of(command: &[String], program: &str, flags: &[&str]) -> Option<PathBuf> {
    let start = program_at(command, program)?;
    // The program's own arguments end at a shell separator: in `php-fpm & nginx -c
    // /etc/nginx/nginx.conf`, the `-c` is nginx's, not php-fpm's php.ini.
    // nginx's `-g 'daemon off;'` ends in `;` but is one argument: `-c` may follow it.
    let rest = &command[start + 1..];
    let end = rest
        .iter()
        .enumerate()
        .position(|(i, w)| {
            let value_of_g = i > 0 && rest[i - 1] == "-g";
            !value_of_g
                && (matches!(w.as_str(), "&" | "&&" | ";" | "|" | "||")
                    || (w.len() > 1 && (w.ends_with(';') || w.ends_with('&'))))
        })
        .unwrap_or(rest.len());
    let mut words = rest[..end].iter();
    while let Some(w) = words.next() {
        for f in flags {
            if w == f {
                return words.next().map(PathBuf::from);
            }
            if let Some(v) = w.strip_prefix(&format!("{f}=")) {
                return Some(PathBuf::from(v));
            }
        }
    }
    None
}

/// True when a command line names php-fpm: `php-fpm`, `php-fpm8.2`, or the service of a
/// versioned Debian package (`service php8.1-fpm start`: the deployment was "nginx only"
/// and its wrong socket version unseen).
fn names_fpm(command: &str) -> bool {
    command
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .any(|word| {
            let word = word.to_ascii_lowercase();
            word.starts_with("php") && word.contains("fpm") && !word.contains("exporter")
        })
}

/// True when a folder holds nginx files that are neither sites nor definitions (a file
/// of `location`s pasted into a server block): it is no folder of sites as a whole.
fn holds_snippets(folder: &Path) -> bool {
    std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "conf"))
        .any(|p| !has_server_block(&p) && !defines_only(&p))
}

#[cfg(test)]
mod tests {
    use super::arg_of;
    use std::path::PathBuf;

    /// A start script's plain `echo ... >> FILE` lines at its top level are appended; one
    /// inside an `if`, one with a variable, or a file another line also writes in a way
    /// not followed, leave the file unknown.
    #[test]
    fn start_script_appends_only_what_surely_runs() {
        let script = "#!/bin/sh\nset -e\n\
            echo \"pm.status_path = /status\" >> /usr/local/etc/php-fpm.d/zz-docker.conf\n\
            echo 'pm.max_children = 10' >> /usr/local/etc/php-fpm.d/zz-docker.conf\n\
            if [ -n \"$DEBUG\" ]; then\n\
              echo 'php_flag[display_errors] = on' >> /usr/local/etc/php-fpm.d/debug.conf\n\
            fi\n\
            echo \"listen = $PORT\" >> /usr/local/etc/php-fpm.d/port.conf\n\
            echo '[x]' >> /usr/local/etc/php-fpm.d/mixed.conf\n\
            echo \"user = $U\" >> /usr/local/etc/php-fpm.d/mixed.conf\n\
            exec php-fpm\n";
        let appends = super::Container::start_script_appends(Some(script));
        let files: Vec<&PathBuf> = appends.iter().map(|(p, _)| p).collect();
        assert_eq!(
            files,
            [&PathBuf::from("/usr/local/etc/php-fpm.d/zz-docker.conf")]
        );
        let ops = &appends[0].1;
        assert_eq!(ops.len(), 2);
        let text = crate::build_edits::apply(b"[www]\nlisten = 9000\n", ops.iter());
        assert_eq!(
            String::from_utf8_lossy(&text),
            "[www]\nlisten = 9000\npm.status_path = /status\npm.max_children = 10\n"
        );
    }

    /// `-g 'daemon off;'` is one argument ending in `;`, not the end of nginx's command:
    /// a `-c` after it names the main file. A real separator still ends it.
    #[test]
    fn nginx_c_after_g_names_the_main_file() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cmd = words(&["nginx", "-g", "daemon off;", "-c", "/etc/nginx/main.conf"]);
        assert_eq!(
            arg_of(&cmd, "nginx", &["-c"]),
            Some(PathBuf::from("/etc/nginx/main.conf"))
        );
        let cmd = words(&["nginx", "-t;", "php-fpm", "-c", "/etc/php.ini"]);
        assert_eq!(arg_of(&cmd, "nginx", &["-c"]), None);
    }

    /// A word is the program only where a command starts: `/run/nginx;` is mkdir's folder
    /// and the `-c` after it supervisord's (triage AD); wrappers and their accounts and
    /// options come before the program.
    #[test]
    fn the_program_is_the_word_a_command_starts_with() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cmd = words(&[
            "mkdir",
            "-p",
            "/run/nginx;",
            "supervisord",
            "-c",
            "/etc/supervisor/custom.conf",
        ]);
        assert_eq!(arg_of(&cmd, "nginx", &["-c"]), None);
        let cmd = words(&[
            "mkdir",
            "-p",
            "/run/nginx",
            "&&",
            "nginx",
            "-c",
            "/etc/nginx/a.conf",
        ]);
        assert_eq!(
            arg_of(&cmd, "nginx", &["-c"]),
            Some(PathBuf::from("/etc/nginx/a.conf"))
        );
        for wrapped in [
            &["exec", "/usr/sbin/php-fpm8.2", "-y", "/etc/p.conf"][..],
            &["gosu", "www-data", "php-fpm", "-y", "/etc/p.conf"],
            &["sudo", "-u", "www-data", "php-fpm82", "-y", "/etc/p.conf"],
            &["tini", "--", "php-fpm", "-y", "/etc/p.conf"],
            &["PHP_INI_SCAN_DIR=/x", "php-fpm", "-y", "/etc/p.conf"],
        ] {
            assert_eq!(
                arg_of(&words(wrapped), "php-fpm", &["-y"]),
                Some(PathBuf::from("/etc/p.conf")),
                "{wrapped:?}"
            );
        }
        // A name that only begins like the program is another program.
        let cmd = words(&["nginx-prometheus-exporter", "-c", "/x"]);
        assert_eq!(arg_of(&cmd, "nginx", &["-c"]), None);
    }
}
