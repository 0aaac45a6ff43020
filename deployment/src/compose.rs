//! Docker Compose files: the services, their images or builds, mounts, names
//! and ports, with Compose's variable interpolation (`.env` beside the file).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use yaml_rust2::Yaml;

/// The keys of a service's `build:` that its file sets (the rest are Compose's defaults).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildKeys {
    /// `context` (or the short form `build: DIR`).
    pub context: bool,
    /// `dockerfile`, as written (relative to the context).
    pub dockerfile: Option<String>,
}

/// A service of a Compose file.
#[derive(Clone, Debug, Default)]
pub struct Service {
    /// The service's name (a DNS name on its networks).
    pub name: String,
    /// `image:`.
    pub image: Option<String>,
    /// `image:` as written, its variables not expanded (what a CI step's tags are
    /// compared with, and what a note shows when the variables are unset).
    pub image_as_written: Option<String>,
    /// `build:` context directory (absolute) and Dockerfile (absolute).
    pub build: Option<(PathBuf, PathBuf)>,
    /// `build.target`: the stage that is built.
    pub build_target: Option<String>,
    /// Which keys of `build:` the file writes (`context`, `dockerfile`): an override
    /// file's `build: {target: dev}` changes the target and keeps the rest.
    pub build_keys: BuildKeys,
    /// `build.args` (map or `KEY=VALUE` list, interpolated): values for the Dockerfile's `ARG`s.
    pub build_args: BTreeMap<String, String>,
    /// `volumes:` and `configs:` as (source, target, read-only) after interpolation.
    pub mounts: Vec<ComposeMount>,
    /// Extra names: `container_name`, `hostname`, network `aliases`, `links` aliases.
    pub names: Vec<String>,
    /// `network_mode: service:NAME` / `container:NAME`.
    pub shares_network_of: Option<String>,
    /// `network_mode: host`.
    pub host_network: bool,
    /// `ports:` as written (after interpolation).
    pub ports: Vec<String>,
    /// `environment:` (list or map form).
    pub environment: BTreeMap<String, String>,
    /// `command:` words.
    pub command: Vec<String>,
    /// `entrypoint:` words.
    pub entrypoint: Vec<String>,
    /// Networks the service joins (`default` when none is named).
    pub networks: Vec<String>,
    /// `links:` as (service, alias).
    pub links: Vec<(String, String)>,
    /// `user:` (the user the container's processes start as).
    pub user: Option<String>,
    /// `volumes_from:` as written, access mode dropped (`php`, `container:laravel-php`).
    /// Their mounts are already in [`Service::mounts`].
    pub volumes_from: Vec<String>,
    /// The targets of the mounts taken through `volumes_from` (not the service's own).
    pub inherited: Vec<PathBuf>,
    /// `extra_hosts:` as (name, address): entries of the container's /etc/hosts
    /// (`legacy-php:host-gateway`, `php=10.0.0.5`).
    pub extra_hosts: Vec<(String, String)>,
}

/// A mount of a service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComposeMount {
    /// A bind mount of a repository path.
    Bind {
        /// The path on this machine (resolved against the Compose file's directory).
        host: PathBuf,
        /// Where it lands.
        target: PathBuf,
    },
    /// A named volume (shared by name between services) or tmpfs.
    Volume {
        /// The volume's name (empty for an anonymous volume or tmpfs).
        name: String,
        /// Where it lands.
        target: PathBuf,
        /// Docker fills the volume with what the image has at `target` when it is first
        /// mounted empty: a volume, not a tmpfs, and not `volume: {nocopy: true}`.
        copies_image: bool,
    },
    /// A `configs:` entry with inline content.
    Content {
        /// The text.
        text: String,
        /// Where it lands.
        target: PathBuf,
        /// The config's name.
        name: String,
    },
}

impl ComposeMount {
    /// Where it lands in the container.
    pub fn target(&self) -> &Path {
        match self {
            ComposeMount::Bind { target, .. }
            | ComposeMount::Volume { target, .. }
            | ComposeMount::Content { target, .. } => target,
        }
    }
}

/// A parsed Compose file.
#[derive(Clone, Debug, Default)]
pub struct ComposeFile {
    /// The file.
    pub path: PathBuf,
    /// Its services, in file order.
    pub services: Vec<Service>,
    /// Variables used without a value (Compose substitutes an empty string).
    pub unset_variables: Vec<String>,
    /// Files named by top-level `include:` (their services join this project).
    pub includes: Vec<Include>,
}

/// One entry of a Compose file's `include:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    /// The included file.
    pub path: PathBuf,
    /// `project_directory`: where its relative paths resolve (default: its own directory).
    pub project_directory: Option<PathBuf>,
    /// `env_file`: values for its interpolation.
    pub env_files: Vec<PathBuf>,
}

thread_local! {
    /// Values that win over every `.env` (the shell's environment in Compose; here the
    /// `--env` values of the command line), set for one [`crate::assemble_with`] call.
    pub(crate) static OVERRIDES: std::cell::RefCell<BTreeMap<String, String>> =
        const { std::cell::RefCell::new(BTreeMap::new()) };
}

/// Reads `KEY=VALUE` lines of an env file.
pub fn read_env_file(path: &Path) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    if let Ok(text) = std::fs::read_to_string(path) {
        parse_env_lines(&text, &mut env);
    }
    env
}

/// Whether a file name is one Compose reads.
pub fn is_compose_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.starts_with("docker-compose") || n.starts_with("compose"))
        && (n.ends_with(".yml") || n.ends_with(".yaml"))
}

/// Where a repository keeps the values `.env` will hold, when `.env` itself is not
/// committed (it usually is not): the first of these that exists is read.
const DOTENV_FILES: &[&str] = &[
    ".env",
    ".env.example",
    ".env.dist",
    ".env.sample",
    "env.example",
    "env.template",
    ".env.template",
    // yeszao/dnmp's `env.sample`, devilbox's `env-example` (triage 17c: their mounts all
    // come from these values; read as empty, nginx was not linted at all).
    "env.sample",
    "env-example",
    ".env-example",
    ".env.default",
    ".env.defaults",
];

/// Reads `.env` beside a Compose file (`KEY=VALUE`, quotes stripped), or the example
/// file a repository commits in its place.
pub fn read_dotenv(dir: &Path) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    let Some(text) = DOTENV_FILES
        .iter()
        .find_map(|name| std::fs::read_to_string(dir.join(name)).ok())
    else {
        return env;
    };
    parse_env_lines(&text, &mut env);
    env
}

fn parse_env_lines(text: &str, env: &mut BTreeMap<String, String>) {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                .unwrap_or(v);
            env.insert(k.trim().to_string(), v.to_string());
        }
    }
}

/// Compose's interpolation: `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`,
/// `${VAR:+r}`, `$$` for a literal `$`. Unset variables become empty (and are recorded).
pub fn interpolate(text: &str, env: &BTreeMap<String, String>, unset: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'$') => {
                out.push('$');
                i += 2;
            }
            Some(b'{') => {
                let Some(close) = text[i + 2..].find('}') else {
                    out.push_str(&text[i..]);
                    break;
                };
                let inner = &text[i + 2..i + 2 + close];
                out.push_str(&expand(inner, env, unset));
                i += close + 3;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let len = text[i + 1..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                let name = &text[i + 1..i + 1 + len];
                match env.get(name) {
                    Some(v) => out.push_str(v),
                    None => unset.push(name.to_string()),
                }
                i += len + 1;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    out
}

fn expand(inner: &str, env: &BTreeMap<String, String>, unset: &mut Vec<String>) -> String {
    let name_len = inner
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let (name, op) = inner.split_at(name_len);
    let value = env.get(name);
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
    let mut arg = |skip: usize| interpolate(&op[skip..], env, unset);
    if op.starts_with(":-") {
        return if set_nonempty {
            value.cloned().unwrap_or_default()
        } else {
            arg(2)
        };
    }
    if op.starts_with('-') {
        return value.cloned().unwrap_or_else(|| arg(1));
    }
    if op.starts_with(":+") {
        return if set_nonempty { arg(2) } else { String::new() };
    }
    if op.starts_with('+') {
        return if value.is_some() {
            arg(1)
        } else {
            String::new()
        };
    }
    match value {
        Some(v) => v.clone(),
        None => {
            unset.push(name.to_string());
            String::new()
        }
    }
}

fn words(y: &Yaml, env: &BTreeMap<String, String>, unset: &mut Vec<String>) -> Vec<String> {
    match y {
        // Compose splits a string command as a shell would (quotes group): `sh -c
        // "envsubst < a > b && exec nginx"` is three words.
        Yaml::String(s) => crate::supervisord::words(&interpolate(s, env, unset)),
        Yaml::Array(a) => a
            .iter()
            .filter_map(scalar)
            .map(|w| interpolate(&w, env, unset))
            .collect(),
        _ => Vec::new(),
    }
}

/// A scalar as text (numbers and booleans as YAML wrote them).
pub fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Real(r) => Some(r.clone()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn key<'a>(y: &'a Yaml, k: &str) -> &'a Yaml {
    &y[k]
}

/// The services of a Compose file of format version 1 (docker-compose before 1.6, 2014 to
/// 2016: felixhummel/docker-compose-php-fpm-nginx): no `version` or `services` key, each
/// top-level key a service. Only when every top-level value is a mapping and one of them
/// has an `image` or a `build`.
fn version_1_services(doc: &Yaml) -> Option<&yaml_rust2::yaml::Hash> {
    let top = doc.as_hash()?;
    let reserved = [
        "version", "services", "include", "networks", "volumes", "configs", "secrets", "name",
    ];
    if top.keys().any(|k| {
        k.as_str()
            .is_some_and(|k| reserved.contains(&k) || k.starts_with("x-"))
    }) {
        return None;
    }
    let services = top.values().all(|v| v.as_hash().is_some())
        && top.values().any(|v| {
            !matches!(key(v, "image"), Yaml::BadValue) || !matches!(key(v, "build"), Yaml::BadValue)
        });
    services.then_some(top)
}

/// Parses a Compose file. `Err` carries the sentence of a note: not YAML, or YAML whose
/// aliases would expand beyond [`crate::bounded_yaml::MAX_ALIAS_NODES`].
pub fn parse(path: &Path, text: &str) -> Result<ComposeFile, String> {
    parse_in(path, text, None, &BTreeMap::new())
}

/// Parses a Compose file whose relative paths resolve against `project_dir` (an
/// `include:` with `project_directory`), with `extra_env` under its `.env`.
pub fn parse_in(
    path: &Path,
    text: &str,
    project_dir: Option<&Path>,
    extra_env: &BTreeMap<String, String>,
) -> Result<ComposeFile, String> {
    let docs = crate::bounded_yaml::load(text)?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(ComposeFile {
            path: path.to_path_buf(),
            ..ComposeFile::default()
        });
    };
    let own_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let dir = project_dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| own_dir.clone());
    let mut env = extra_env.clone();
    // `docker compose up` is run from the project's folder: the shell's `$PWD` is it
    // (AzuraCast's `${PWD}/default.conf:/etc/nginx/...`; read as empty, the mount was lost).
    let pwd = if dir.as_os_str().is_empty() {
        ".".to_string()
    } else {
        dir.to_string_lossy().into_owned()
    };
    env.insert("PWD".to_string(), pwd);
    env.extend(read_dotenv(&dir));
    // The shell's (here: `--env`) values win over `.env`, as in Compose.
    OVERRIDES.with(|o| env.extend(o.borrow().iter().map(|(k, v)| (k.clone(), v.clone()))));
    let mut unset = Vec::new();
    let mut file = ComposeFile {
        path: path.to_path_buf(),
        ..ComposeFile::default()
    };
    let top_configs = key(&doc, "configs");
    if let Some(list) = key(&doc, "include").as_vec() {
        for item in list {
            let list_of = |y: &Yaml| -> Vec<String> {
                match y {
                    Yaml::Array(a) => a.iter().filter_map(scalar).collect(),
                    other => scalar(other).into_iter().collect(),
                }
            };
            let (paths, project, env_files) = match item {
                Yaml::Hash(_) => (
                    list_of(key(item, "path")),
                    scalar(key(item, "project_directory")),
                    list_of(key(item, "env_file")),
                ),
                other => (list_of(other), None, Vec::new()),
            };
            for p in paths {
                let p = interpolate(&p, &env, &mut unset);
                file.includes.push(Include {
                    path: lint_source::vfs::normalize(&dir.join(p)),
                    project_directory: project
                        .as_ref()
                        .map(|d| lint_source::vfs::normalize(&dir.join(d))),
                    env_files: env_files
                        .iter()
                        .map(|e| lint_source::vfs::normalize(&dir.join(e)))
                        .collect(),
                });
            }
        }
    }
    let Some(services) = key(&doc, "services")
        .as_hash()
        .or_else(|| version_1_services(&doc))
    else {
        return Ok(file);
    };
    for (name, body) in services {
        let Some(name) = scalar(name) else { continue };
        let mut s = Service {
            name: name.clone(),
            ..Service::default()
        };
        let text_of =
            |y: &Yaml, unset: &mut Vec<String>| scalar(y).map(|t| interpolate(&t, &env, unset));
        s.image = text_of(key(body, "image"), &mut unset);
        s.image_as_written = scalar(key(body, "image"));
        match key(body, "build") {
            Yaml::String(ctx) => {
                let ctx =
                    lint_source::vfs::normalize(&dir.join(interpolate(ctx, &env, &mut unset)));
                s.build = Some((ctx.clone(), ctx.join("Dockerfile")));
                s.build_keys.context = true;
            }
            Yaml::Hash(_) => {
                let build = key(body, "build");
                let context = text_of(key(build, "context"), &mut unset);
                s.build_keys.context = context.is_some();
                let ctx = dir.join(context.unwrap_or_else(|| ".".into()));
                s.build_keys.dockerfile = text_of(key(build, "dockerfile"), &mut unset);
                let dockerfile = s
                    .build_keys
                    .dockerfile
                    .clone()
                    .unwrap_or_else(|| "Dockerfile".into());
                s.build = Some((
                    lint_source::vfs::normalize(&ctx),
                    lint_source::vfs::normalize(&ctx.join(dockerfile)),
                ));
                s.build_target = text_of(key(build, "target"), &mut unset);
                s.build_args = key_values(key(build, "args"), &env, &mut unset);
            }
            _ => {}
        }
        if let Some(list) = key(body, "volumes").as_vec() {
            for v in list {
                if let Some(m) = volume(v, &dir, &env, &mut unset) {
                    s.mounts.push(m);
                }
            }
        }
        if let Some(list) = key(body, "configs").as_vec() {
            for c in list {
                let (source, target) = match c {
                    Yaml::String(n) => (n.clone(), format!("/{n}")),
                    Yaml::Hash(_) => {
                        let source = scalar(key(c, "source")).unwrap_or_default();
                        let target =
                            scalar(key(c, "target")).unwrap_or_else(|| format!("/{source}"));
                        (source, target)
                    }
                    _ => continue,
                };
                let def = key(top_configs, &source);
                if let Some(f) = text_of(key(def, "file"), &mut unset) {
                    s.mounts.push(ComposeMount::Bind {
                        host: dir.join(f),
                        target: PathBuf::from(target),
                    });
                } else if let Some(content) = scalar(key(def, "content")) {
                    s.mounts.push(ComposeMount::Content {
                        text: interpolate(&content, &env, &mut unset),
                        target: PathBuf::from(target),
                        name: source,
                    });
                }
            }
        }
        for k in ["container_name", "hostname"] {
            if let Some(n) = text_of(key(body, k), &mut unset) {
                s.names.push(n);
            }
        }
        match key(body, "networks") {
            Yaml::Array(list) => s.networks = list.iter().filter_map(scalar).collect(),
            Yaml::Hash(map) => {
                for (net, cfg) in map {
                    if let Some(net) = scalar(net) {
                        s.networks.push(net);
                    }
                    if let Some(aliases) = key(cfg, "aliases").as_vec() {
                        s.names.extend(aliases.iter().filter_map(scalar));
                    }
                }
            }
            _ => {}
        }
        if s.networks.is_empty() {
            s.networks.push("default".into());
        }
        if let Some(links) = key(body, "links").as_vec() {
            // `links: [php:app]`: from this service, `php` is also reachable as `app`.
            for l in links.iter().filter_map(scalar) {
                let (service, alias) = l.split_once(':').unwrap_or((&l, &l));
                s.links.push((service.to_string(), alias.to_string()));
            }
        }
        // `extra_hosts`: a list of `NAME:ADDRESS` (or `NAME=ADDRESS`, the Compose spec's
        // newer form; an IPv6 address keeps its colons), or a map of name to address(es).
        match key(body, "extra_hosts") {
            Yaml::Array(list) => {
                for entry in list.iter().filter_map(scalar) {
                    let split = entry.split_once('=').or_else(|| entry.split_once(':'));
                    if let Some((name, address)) = split {
                        s.extra_hosts
                            .push((name.trim().to_string(), address.trim().to_string()));
                    }
                }
            }
            Yaml::Hash(map) => {
                for (name, address) in map {
                    let Some(name) = scalar(name) else { continue };
                    let address = match address {
                        Yaml::Array(list) => list.iter().find_map(scalar),
                        other => scalar(other),
                    };
                    s.extra_hosts.push((name, address.unwrap_or_default()));
                }
            }
            _ => {}
        }
        if let Some(mode) = text_of(key(body, "network_mode"), &mut unset) {
            if mode == "host" {
                s.host_network = true;
            } else if let Some(other) = mode
                .strip_prefix("service:")
                .or_else(|| mode.strip_prefix("container:"))
            {
                s.shares_network_of = Some(other.to_string());
            }
        }
        if let Some(ports) = key(body, "ports").as_vec() {
            for p in ports {
                match p {
                    Yaml::Hash(_) => {
                        let target = scalar(key(p, "target")).unwrap_or_default();
                        let published = scalar(key(p, "published")).unwrap_or_default();
                        let host_ip = scalar(key(p, "host_ip"));
                        let mut text = String::new();
                        if let Some(ip) = host_ip {
                            text.push_str(&ip);
                            text.push(':');
                        }
                        if !published.is_empty() {
                            text.push_str(&published);
                            text.push(':');
                        }
                        text.push_str(&target);
                        s.ports.push(text);
                    }
                    other => {
                        if let Some(t) = text_of(other, &mut unset) {
                            s.ports.push(t);
                        }
                    }
                }
            }
        }
        s.environment = key_values(key(body, "environment"), &env, &mut unset);
        s.user = text_of(key(body, "user"), &mut unset)
            .map(|u| u.split(':').next().unwrap_or(&u).to_string());
        s.command = words(key(body, "command"), &env, &mut unset);
        s.entrypoint = words(key(body, "entrypoint"), &env, &mut unset);
        if let Some(list) = key(body, "volumes_from").as_vec() {
            for v in list.iter().filter_map(|v| text_of(v, &mut unset)) {
                let source = v
                    .strip_suffix(":ro")
                    .or(v.strip_suffix(":rw"))
                    .unwrap_or(&v);
                s.volumes_from.push(source.to_string());
            }
        }
        file.services.push(s);
    }
    inherit_volumes(&mut file.services);
    // Docker mounts parents before what is mounted inside them, whatever the order of
    // the `volumes:` lines (moby's sortMounts, by the depth of the target): a file bind
    // mounted into a mounted code folder is seen even when listed first (Magento's
    // nginx.conf.sample over /var/www/magento2).
    for service in &mut file.services {
        service
            .mounts
            .sort_by_key(|m| m.target().components().count());
    }
    unset.sort();
    unset.dedup();
    file.unset_variables = unset;
    Ok(file)
}

/// `volumes_from:` mounts every volume of another service (named, or `container:` by its
/// container name) at the same place: nginx reading the web root of the php-fpm service
/// that way sees the same files. A service's own mount of a target wins; chains are
/// followed (the source's inherited mounts are its mounts too), each source once.
fn inherit_volumes(services: &mut [Service]) {
    let find = |services: &[Service], wanted: &str| -> Option<usize> {
        let (by_container, name) = match wanted.strip_prefix("container:") {
            Some(n) => (true, n),
            None => (false, wanted.strip_prefix("service:").unwrap_or(wanted)),
        };
        services.iter().position(|s| {
            if by_container {
                s.names.iter().any(|n| n == name)
            } else {
                s.name == name
            }
        })
    };
    for i in 0..services.len() {
        if services[i].volumes_from.is_empty() {
            continue;
        }
        let mut queue: Vec<String> = services[i].volumes_from.clone();
        let mut seen: Vec<usize> = vec![i];
        let mut inherited: Vec<ComposeMount> = Vec::new();
        while let Some(wanted) = queue.pop() {
            let Some(j) = find(services, &wanted) else {
                continue;
            };
            if seen.contains(&j) {
                continue;
            }
            seen.push(j);
            inherited.extend(services[j].mounts.iter().cloned());
            queue.extend(services[j].volumes_from.iter().cloned());
        }
        for m in inherited {
            if !services[i]
                .mounts
                .iter()
                .any(|own| own.target() == m.target())
            {
                services[i].inherited.push(m.target().to_path_buf());
                services[i].mounts.push(m);
            }
        }
    }
}

/// `environment:` and `build.args`: a map, or a list of `KEY=VALUE` (a bare `KEY` takes
/// the value from Compose's own environment), values interpolated.
fn key_values(
    y: &Yaml,
    env: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match y {
        Yaml::Array(list) => {
            for e in list.iter().filter_map(scalar) {
                let v = match e.split_once('=') {
                    Some((_, v)) => interpolate(v, env, unset),
                    None => env.get(&e).cloned().unwrap_or_default(),
                };
                let k = e.split('=').next().unwrap_or(&e).to_string();
                out.insert(k, v);
            }
        }
        Yaml::Hash(map) => {
            for (k, v) in map {
                if let Some(k) = scalar(k) {
                    let v = scalar(v).map(|v| interpolate(&v, env, unset));
                    out.insert(k, v.unwrap_or_default());
                }
            }
        }
        _ => {}
    }
    out
}

fn volume(
    v: &Yaml,
    dir: &Path,
    env: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
) -> Option<ComposeMount> {
    let (source, target, kind, nocopy) = match v {
        Yaml::String(spec) => {
            let spec = interpolate(spec, env, unset);
            let mut parts = spec.splitn(3, ':');
            let a = parts.next()?.to_string();
            match parts.next() {
                // `name:/path:nocopy` (the short syntax's options are comma-separated).
                Some(b) => {
                    let nocopy = parts
                        .next()
                        .is_some_and(|o| o.split(',').any(|o| o == "nocopy"));
                    (a, b.to_string(), None, nocopy)
                }
                None => (String::new(), a, None, false),
            }
        }
        Yaml::Hash(_) => {
            let source = scalar(&v["source"]).map(|s| interpolate(&s, env, unset));
            let target = scalar(&v["target"]).map(|s| interpolate(&s, env, unset))?;
            let nocopy = matches!(&v["volume"]["nocopy"], Yaml::Boolean(true))
                || scalar(&v["volume"]["nocopy"]).is_some_and(|s| s == "true");
            (
                source.unwrap_or_default(),
                target,
                scalar(&v["type"]),
                nocopy,
            )
        }
        _ => return None,
    };
    // Docker refuses a mount whose target is not absolute (`./app:$CODE_FOLDER` with the
    // variable unset): nothing is mounted. Read as "", it hid the image's whole tree.
    if !target.starts_with('/') {
        return None;
    }
    let target = PathBuf::from(target);
    let is_path = source.starts_with('.')
        || source.starts_with('/')
        || source.starts_with('~')
        || kind.as_deref() == Some("bind");
    if is_path && !source.is_empty() {
        // `~/.cache/composer` is the deploying user's home, not a folder of the
        // repository: kept as written (shown so, and never read here).
        let host = if source.starts_with('/') || source.starts_with('~') {
            PathBuf::from(&source)
        } else {
            dir.join(&source)
        };
        Some(ComposeMount::Bind {
            host: lint_source::vfs::normalize(&host),
            target,
        })
    } else {
        Some(ComposeMount::Volume {
            name: source,
            target,
            copies_image: !nocopy && kind.as_deref() != Some("tmpfs"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without `.env`, the example a repository commits in its place gives the values
    /// (dnmp's `env.sample`, devilbox's `env-example`); `.env` wins over any example.
    #[test]
    fn dotenv_examples_stand_in_for_a_missing_env() {
        for name in ["env.sample", "env-example", ".env.example"] {
            let dir = tempfile::tempdir().expect("tmp");
            std::fs::write(dir.path().join(name), "SOURCE_DIR=./www\n").expect("write");
            assert_eq!(read_dotenv(dir.path())["SOURCE_DIR"], "./www", "{name}");
            std::fs::write(dir.path().join(".env"), "SOURCE_DIR=./site\n").expect("write");
            assert_eq!(read_dotenv(dir.path())["SOURCE_DIR"], "./site", "{name}");
        }
    }

    #[test]
    fn interpolation_follows_compose() {
        let env: BTreeMap<String, String> = [
            ("A".to_string(), "1".to_string()),
            ("E".to_string(), String::new()),
        ]
        .into();
        let mut unset = Vec::new();
        assert_eq!(interpolate("${A}-$A-$$uri", &env, &mut unset), "1-1-$uri");
        assert_eq!(
            interpolate("${E:-d} ${E-d} ${X:-x}", &env, &mut unset),
            "d  x"
        );
        assert_eq!(interpolate("${B}", &env, &mut unset), "");
        assert_eq!(unset, ["B"]);
    }

    /// Format 1 (no `version`, no `services`): each top-level key is a service. A YAML file
    /// whose top-level mappings are no services (no `image` or `build`), or one of a later
    /// format, is not read so.
    #[test]
    fn format_1_top_level_keys_are_services() {
        let v1 = "web:\n  image: nginx\n  links: [fpm]\n  volumes: ['./site.conf:/etc/nginx/conf.d/default.conf']\nfpm:\n  build: .\n";
        let file = parse(Path::new("/r/docker-compose.yml"), v1).expect("parses");
        let names: Vec<&str> = file.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["web", "fpm"]);
        assert_eq!(file.services[0].image.as_deref(), Some("nginx"));
        let not_services = "web:\n  port: 80\nlogging:\n  level: debug\n";
        let file = parse(Path::new("/r/docker-compose.yml"), not_services).expect("parses");
        assert!(file.services.is_empty());
        let v2_without_services = "version: '2'\nvolumes:\n  data: {}\n";
        let file = parse(Path::new("/r/docker-compose.yml"), v2_without_services).expect("parses");
        assert!(file.services.is_empty());
    }

    #[test]
    fn services_mounts_and_names() {
        let text = r#"
services:
  web:
    image: nginx:1.25-alpine
    ports: ["8080:80"]
    volumes:
      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro
      - app:/var/www/html
    networks:
      backend:
        aliases: [front]
  php:
    build: ./php
    command: php-fpm -y /etc/fpm.conf
volumes:
  app:
"#;
        let f = parse(Path::new("/repo/compose.yaml"), text).unwrap();
        assert_eq!(f.services.len(), 2);
        let web = &f.services[0];
        assert_eq!(web.image.as_deref(), Some("nginx:1.25-alpine"));
        // Shallower targets first, as Docker mounts them.
        assert!(matches!(&web.mounts[0], ComposeMount::Volume { name, .. } if name == "app"));
        assert_eq!(
            web.mounts[1],
            ComposeMount::Bind {
                host: "/repo/nginx/default.conf".into(),
                target: "/etc/nginx/conf.d/default.conf".into()
            }
        );
        assert_eq!(web.names, ["front"]);
        let php = &f.services[1];
        assert_eq!(
            php.build.as_ref().unwrap().1,
            PathBuf::from("/repo/php/Dockerfile")
        );
        assert_eq!(php.command, ["php-fpm", "-y", "/etc/fpm.conf"]);
    }

    #[test]
    fn volumes_from_mounts_the_other_services_volumes() {
        // laravel-montreal/laravel-kubernetes-helm: nginx sees the app through
        // `volumes_from` (a false X026 "no such web root" before).
        let text = r#"
services:
  laravel_php_fpm:
    build: ./docker
    container_name: laravel-phpfpm
    volumes:
      - ./docker/laravel:/var/www/laravel
      - ./docker/php.ini:/usr/local/etc/php/php.ini
    volumes_from: [cache]
  cache:
    image: busybox
    volumes: [cachedata:/var/cache/app]
  nginx:
    image: nginx:1.25
    volumes_from:
      - laravel_php_fpm:ro
    volumes:
      - ./docker/logs/nginx/:/var/log/nginx
      - ./nginx.ini:/usr/local/etc/php/php.ini
  sidecar:
    image: alpine
    volumes_from: ["container:laravel-phpfpm", nginx, missing]
volumes:
  cachedata:
"#;
        let f = parse(Path::new("/repo/compose.yaml"), text).unwrap();
        let targets = |name: &str| -> Vec<PathBuf> {
            let s = f.services.iter().find(|s| s.name == name).unwrap();
            s.mounts.iter().map(|m| m.target().to_path_buf()).collect()
        };
        let nginx = targets("nginx");
        assert!(
            nginx.contains(&PathBuf::from("/var/www/laravel")),
            "{nginx:?}"
        );
        assert!(
            nginx.contains(&PathBuf::from("/var/cache/app")),
            "{nginx:?}"
        );
        let own_ini = f.services[2].mounts.iter().find(
            |m| matches!(m, ComposeMount::Bind { target, .. } if target.ends_with("php.ini")),
        );
        assert!(
            matches!(own_ini, Some(ComposeMount::Bind { host, .. }) if host.ends_with("nginx.ini")),
            "a service's own mount of a target wins: {own_ini:?}"
        );
        assert_eq!(nginx.len(), 4, "{nginx:?}");
        let sidecar = targets("sidecar");
        assert!(
            sidecar.contains(&PathBuf::from("/var/log/nginx")),
            "{sidecar:?}"
        );
        assert!(
            sidecar.contains(&PathBuf::from("/var/www/laravel")),
            "{sidecar:?}"
        );
    }
}
