//! Walking a repository (respecting `.gitignore`) and recognising each file by
//! its name and content: nginx, php-fpm, php.ini, Compose, Dockerfile,
//! Kubernetes, templates this tool cannot render, and everything else.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// Files read to classify; larger ones are not configuration.
const MAX_CLASSIFY: u64 = 2 * 1024 * 1024;
/// YAML read to classify: a rendered manifest of a whole platform (CRDs included, or
/// thousands of objects) is several megabytes and still the deployment's description.
const MAX_CLASSIFY_YAML: u64 = 16 * 1024 * 1024;
/// Files looked at in one repository.
const MAX_FILES: usize = 50_000;

/// What a repository file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// nginx configuration: a main file (`events`/`http` at the top) or a fragment.
    Nginx {
        /// It has `http {` or `events {` at the top level.
        main: bool,
    },
    /// An nginx template for the official image's envsubst step (`*.template`).
    NginxTemplate,
    /// php-fpm configuration: a main file (`[global]`) or pool file / fragment.
    Fpm {
        /// It has a `[global]` section with an `include`.
        main: bool,
    },
    /// php.ini settings.
    PhpIni,
    /// A Docker Compose file.
    Compose,
    /// A Dockerfile.
    Dockerfile,
    /// Kubernetes manifests.
    Kubernetes,
    /// Saved `nginx -T` output: every file of a tree in one, linted with `--nginx-dump`
    /// (read as one nginx.conf, each file's directives stood at the top level).
    NginxDump,
    /// A template this tool does not render (Helm, Jinja); why.
    Template(&'static str),
    /// A file named like configuration (`*.yaml`, `*.conf`, a Dockerfile) too large to
    /// be read as such: its size in bytes. Not linted, and said so (a 2.6 MB manifest
    /// used to leave "no configuration found" and no reason).
    TooLarge(u64),
}

/// A classified file.
#[derive(Clone, Debug)]
pub struct RepoFile {
    /// Path on this machine.
    pub path: PathBuf,
    /// What it is.
    pub role: Role,
}

/// Directories a repository scan never enters: version control, dependencies, build
/// output and editor settings hold no configuration of the repository's own.
pub fn is_passed_over(dir_name: &str) -> bool {
    matches!(
        dir_name,
        ".git" | "node_modules" | "vendor" | "target" | ".idea" | ".vscode"
    )
}

/// The names the repository goes by, lower-cased: its folder's, and the repository
/// names of its git remotes (`.git/config`'s `url = …/pterodactyl/panel.git` gives
/// `panel`). An image reference names the repository that builds it
/// (`ghcr.io/pterodactyl/panel`), and a checkout's folder can be called anything (a CI
/// runner's `/builds/1234/repo`, a clone into `panel-fork`): the remote keeps the
/// match from depending on where the repository was checked out.
pub fn names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = root
        .canonicalize()
        .ok()
        .as_deref()
        .unwrap_or(root)
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .into_iter()
        .collect();
    for url in remote_urls(root) {
        let last = url
            .trim_end_matches('/')
            .rsplit(['/', ':'])
            .next()
            .unwrap_or_default();
        let name = last
            .strip_suffix(".git")
            .unwrap_or(last)
            .to_ascii_lowercase();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The `url = ` values of the repository's git configuration (a worktree's `.git` file
/// points at its git directory; a linked worktree's configuration is its main one's).
fn remote_urls(root: &Path) -> Vec<String> {
    // A git configuration is small; one that is not is not read.
    const MAX_GIT_CONFIG: u64 = 64 * 1024;
    let dot_git = root.join(".git");
    let config = if dot_git.is_dir() {
        dot_git.join("config")
    } else {
        let Ok(text) = std::fs::read_to_string(&dot_git) else {
            return Vec::new();
        };
        let Some(dir) = text.trim().strip_prefix("gitdir:") else {
            return Vec::new();
        };
        let dir = root.join(dir.trim());
        match dir.parent().filter(|p| p.ends_with("worktrees")) {
            Some(worktrees) => worktrees.parent().unwrap_or(&dir).join("config"),
            None => dir.join("config"),
        }
    };
    let small = std::fs::metadata(&config).is_ok_and(|m| m.len() <= MAX_GIT_CONFIG);
    let text = if small {
        std::fs::read_to_string(&config).unwrap_or_default()
    } else {
        String::new()
    };
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "url").then(|| value.trim().to_string())
        })
        .collect()
}

/// A Symfony service container file (`config/services.yaml`): `services:` of PHP classes
/// (`App\Controller\:`, `_defaults:` with `autowire`), not of containers.
fn symfony_services(text: &str) -> bool {
    text.lines().any(|line| {
        let key = line.trim_start();
        // A comment says nothing: khs1994-docker/lnmp's docker-lnmp.yml comments out a
        // `command: ["--save \"\""]` line, and its backslash made the Compose file a
        // Symfony one (its nginx service, which mounts conf.d, was never read).
        if key.starts_with('#') {
            return false;
        }
        // Only a mapping's key names a class (`App\Controller\:`); a list item or a
        // value may hold a backslash in any file (`- "--save \"\""`).
        let Some((key, _)) = key.split_once(':') else {
            return false;
        };
        if key.starts_with('-') {
            return false;
        }
        // A service's `class:`, `arguments:`, `calls:`: Symfony's words, never Compose's
        // (phpBB's container/services_*.yml were 25 notes of services with no image).
        matches!(
            key,
            "_defaults"
                | "autowire"
                | "autoconfigure"
                | "class"
                | "arguments"
                | "calls"
                | "factory"
                | "decorates"
        ) || key.contains('\\')
    })
}

/// Lists the configuration files of a repository, in path order.
pub fn scan(root: &Path) -> Vec<RepoFile> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| !is_passed_over(&e.file_name().to_string_lossy()))
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    // Links are followed only by the filesystem views, inside the deployment.
    let files: Vec<PathBuf> = walker
        .filter_map(Result::ok)
        .take(MAX_FILES)
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .collect();
    // Reading and classifying is most of a large repository's scan: on all cores, in
    // the walk's order.
    let mut found: Vec<RepoFile> = files
        .into_par_iter()
        .filter_map(|path| classify_path(&path).map(|role| RepoFile { path, role }))
        .collect();
    read_by_helm_charts(root, &mut found);
    found
}

/// Files a Helm chart's templates read with `.Files.Get "conf/www.conf"` or
/// `.Files.Glob "conf/*"`: inputs the chart renders (with `tpl`) and completes from its
/// values (a pool fragment whose `pm.*` lines come from values.yaml), not files a server
/// reads as they are. Linted as loose pools and php.ini, they were false FPM002 and FPM006
/// errors (drupalwxt/helm-drupal, triage 17a).
fn read_by_helm_charts(root: &Path, found: &mut [RepoFile]) {
    // The charts above the files found (Chart.yaml is no configuration of ours).
    let mut charts: Vec<PathBuf> = Vec::new();
    for f in found.iter() {
        for dir in f.path.ancestors().skip(1) {
            if !dir.starts_with(root) {
                break;
            }
            if dir.join("Chart.yaml").is_file() && !charts.iter().any(|c| c == dir) {
                charts.push(dir.to_path_buf());
            }
        }
    }
    for chart in charts {
        let mut patterns: Vec<String> = Vec::new();
        for template in walkdir::WalkDir::new(chart.join("templates"))
            .max_depth(4)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .take(2_000)
        {
            let Ok(text) = std::fs::read_to_string(template.path()) else {
                continue;
            };
            for call in [
                ".Files.Get",
                ".Files.Glob",
                ".Files.Lines",
                ".Files.AsConfig",
            ] {
                for (at, _) in text.match_indices(call) {
                    let rest = text[at + call.len()..].trim_start();
                    let Some(quoted) = rest.strip_prefix('"') else {
                        continue;
                    };
                    if let Some(end) = quoted.find('"') {
                        patterns.push(quoted[..end].to_string());
                    }
                }
            }
        }
        if patterns.is_empty() {
            continue;
        }
        for f in found.iter_mut() {
            let Ok(rel) = f.path.strip_prefix(&chart) else {
                continue;
            };
            if patterns
                .iter()
                .any(|p| lint_source::vfs::glob_matches(p, rel) || Path::new(p) == rel)
            {
                f.role = Role::Template("read by its Helm chart's templates (.Files.Get)");
            }
        }
    }
}

/// Classifies one file on disk (`None`: not configuration this tool reads).
pub fn classify_path(path: &Path) -> Option<Role> {
    if never_configuration(path) {
        return None;
    }
    let meta = std::fs::metadata(path).ok()?;
    let yaml = matches!(ext(path).as_str(), "yml" | "yaml");
    let limit = if yaml {
        MAX_CLASSIFY_YAML
    } else {
        MAX_CLASSIFY
    };
    if meta.len() > limit {
        return named_like_config(path).then_some(Role::TooLarge(meta.len()));
    }
    let bytes = std::fs::read(path).ok()?;
    classify(path, &bytes)
}

/// A file named on the command line that [`classify_path`] passes over for its name
/// (vesta's `phpmyadmin.inc`, a `.sample`), read for what it holds: nginx directives
/// make it an nginx file, as `--nginx FILE` would read it. Source code (`.php`, `.js`)
/// and template markers never are.
pub fn classify_named_nginx(path: &Path) -> Option<Role> {
    const SOURCE: &[&str] = &[
        "php", "js", "ts", "jsx", "tsx", "vue", "css", "scss", "py", "rb", "go", "pl", "pm",
        "java", "rs", "c", "h", "lock", "sh", "md", "txt", "json", "html", "svg", "xml", "lua",
        "toml", "yml", "yaml", "ini", "j2", "jinja", "jinja2", "tpl", "gotmpl", "erb", "tmpl",
        "mustache", "twig", "phtml",
    ];
    if SOURCE.contains(&ext(path).as_str()) {
        return None;
    }
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_CLASSIFY {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    if bytes.contains(&0) || bytes.starts_with(b"#!") {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes);
    (!template_markers(&text)
        && installer_template(&text).is_none()
        && !fpm_score(&text)
        && nginx_score(&text))
    .then(|| Role::Nginx {
        main: nginx_is_main(&text),
    })
}

/// Whether a folder of `path` is one where nginx or php-fpm files are kept (`sites-*`,
/// `conf.d`, `http.d`, `pool.d`, `php-fpm.d`), whatever the file's extension.
fn in_config_folder(path: &Path) -> bool {
    path.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c.starts_with("sites-")
            || c == "conf.d"
            || c == "http.d"
            || c == "pool.d"
            || c == "php-fpm.d"
    })
}

/// A file [`classify`] passes over whatever it holds, known by its name alone: source
/// code, styles, images and fonts, which a PHP application holds by the ten thousand
/// (achoribo/ims commits Drupal's core: 20,788 files, every one read before; 0.8 s of a
/// 0.84 s run). Not read at all. A folder of nginx's or php-fpm's (`conf.d/`, `sites-*`)
/// or a name with `nginx` in it keeps a file of any other extension a candidate, as
/// [`classify`] has it; a Dockerfile is one whatever its extension.
fn never_configuration(path: &Path) -> bool {
    // What `classify` refuses by extension before it looks at the folder (a saved
    // `nginx -T` aside, which no one names so).
    const SOURCE: &[&str] = &[
        "php", "js", "ts", "jsx", "tsx", "vue", "css", "scss", "py", "rb", "go", "pl", "pm",
        "java", "rs", "c", "h", "lock",
    ];
    // Neither a candidate's extension nor one `classify` reads for what it is: refused
    // unless the folder or the name makes the file a candidate.
    const ASSETS: &[&str] = &[
        "twig", "phtml", "inc", "module", "theme", "install", "less", "sass", "map", "png", "jpg",
        "jpeg", "gif", "webp", "ico", "bmp", "woff", "woff2", "ttf", "eot", "otf", "mp3", "mp4",
        "webm", "pdf", "zip", "gz", "tgz", "jar", "class", "so", "mo", "po",
    ];
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if crate::dockerfile::is_dockerfile_name(&name) {
        return false;
    }
    let e = ext(path);
    if SOURCE.contains(&e.as_str()) {
        return true;
    }
    ASSETS.contains(&e.as_str()) && !name.contains("nginx") && !in_config_folder(path)
}

/// The largest file [`classify_path`] reads as `path`'s kind, in bytes.
pub fn size_limit(path: &Path) -> u64 {
    if matches!(ext(path).as_str(), "yml" | "yaml") {
        MAX_CLASSIFY_YAML
    } else {
        MAX_CLASSIFY
    }
}

/// A name this tool would read as configuration (a large file of another name, a
/// database dump or a video, is passed over in silence).
fn named_like_config(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    crate::dockerfile::is_dockerfile_name(&name)
        || matches!(
            ext(path).as_str(),
            "yml" | "yaml" | "conf" | "ini" | "vhost" | "nginx" | "template"
        )
        || name.starts_with("php.ini")
}

fn ext(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Classifies by name and content.
pub fn classify(path: &Path, bytes: &[u8]) -> Option<Role> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    // A script (`#!/usr/bin/env ruby`: every Salt formula's bin/kitchen, whose
    // `ENV['BUNDLE_GEMFILE'] ||=` read as a pool's env[]) is no configuration.
    if bytes.contains(&0) || bytes.starts_with(b"#!") {
        return None;
    }
    // Documents and build files of well-known names are never configuration (a LICENSE's
    // `<year>`, `<name>` placeholders made it an "installer template" in nine of 22
    // repositories; a Vagrantfile is Ruby).
    const NOT_CONFIG: &[&str] = &[
        "license",
        "licence",
        "copying",
        "notice",
        "authors",
        "contributors",
        "readme",
        "changelog",
        "changes",
        "vagrantfile",
        "makefile",
        "gemfile",
        "procfile",
        "jenkinsfile",
        "rakefile",
        "brewfile",
    ];
    let stem = name.split('.').next().unwrap_or(&name);
    if NOT_CONFIG.contains(&stem) || stem.starts_with("license-") || stem.starts_with("licence-") {
        return None;
    }
    // Copies an editor, patch or package manager leaves beside a file (`nginx.conf.orig`,
    // `www.conf.rpmnew`, `default.dpkg-dist`, `site.conf~`): no server reads them, and
    // linted they were extra deployments and sites (triage 17b).
    const BACKUP_SUFFIXES: &[&str] = &[
        ".orig",
        ".rej",
        ".bak",
        ".old",
        ".rpmnew",
        ".rpmsave",
        ".rpmorig",
        ".dpkg-old",
        ".dpkg-dist",
        ".dpkg-new",
        ".dpkg-bak",
        ".ucf-old",
        ".ucf-dist",
        ".swp",
        "~",
        // Renamed out of use (`example.com.disabled` beside `example.com`).
        ".disabled",
    ];
    if BACKUP_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return None;
    }
    if nginx_conf_parser::is_dump(bytes) {
        return Some(Role::NginxDump);
    }
    let text = String::from_utf8_lossy(bytes);
    let e = ext(path);
    if crate::dockerfile::is_dockerfile_name(&name) {
        return Some(Role::Dockerfile);
    }
    // `.tpl`/`.tmpl` name Go and Helm templates, and files an entrypoint's envsubst
    // renders (`${DOMAIN}` only): without template markers, the latter.
    // (Panels' `.tpl` with `%ip%` placeholders stay installer templates.)
    let envsubst_only = matches!(e.as_str(), "tpl" | "tmpl")
        && !["{{", "{%", "<%"].iter().any(|m| text.contains(m))
        && installer_template(&text).is_none();
    if envsubst_only {
        return nginx_score(&text).then_some(Role::NginxTemplate);
    }
    // A Mustache file whose only `{{x}}` is in a comment is the configuration itself
    // (WordOps' nginx-core.mustache).
    let mustache_plain = e == "mustache"
        && !text
            .lines()
            .map(str::trim_start)
            .any(|l| !l.starts_with('#') && !l.starts_with(';') && l.contains("{{"));
    if !mustache_plain
        && matches!(
            e.as_str(),
            "j2" | "jinja" | "jinja2" | "tpl" | "gotmpl" | "erb" | "tmpl" | "mustache"
        )
    {
        if !looks_like_config(&without_tag_lines(&text)) {
            return None;
        }
        // Hestia's and Vesta's `.tpl` are `%ip%` installer templates, WordOps' and
        // EasyEngine's `.mustache` are Mustache: say which (all were "Jinja/Helm/ERB").
        let kind = match e.as_str() {
            "mustache" => "Mustache template",
            "tpl" => installer_template(&text).unwrap_or("Jinja/Helm/ERB template"),
            _ => "Jinja/Helm/ERB template",
        };
        return Some(Role::Template(kind));
    }
    if crate::kubernetes::is_kustomization_name(path) {
        return Some(Role::Kubernetes);
    }
    if e == "yml" || e == "yaml" {
        if crate::compose::is_compose_name(&name)
            || text.lines().any(|l| l.trim_end() == "services:")
                && !text.contains("apiVersion:")
                && !symfony_services(&text)
        {
            return Some(Role::Compose);
        }
        // A chart's values.yaml that carries nginx or php-fpm files as strings, which its
        // templates render with `tpl` (chatwork/charts' php chart): configuration, not
        // linted before `helm template`, and said so (it was "nothing found", exit 2).
        let chart = path
            .parent()
            .is_some_and(|d| d.join("Chart.yaml").is_file() || d.join("Chart.yml").is_file());
        if chart && name.starts_with("values") && embeds_config(&text) {
            return Some(Role::Template(
                "Helm chart values, rendered by its Helm templates",
            ));
        }
        if text.contains("apiVersion:") && text.contains("kind:") {
            if text.contains("{{") {
                // Only a template that carries nginx or php-fpm configuration is worth a
                // "not rendered" note: chatwork/charts had 170, one per template of
                // every chart, for the one chart that has nginx.
                return embeds_config(&text).then_some(Role::Template("Helm template"));
            }
            return Some(Role::Kubernetes);
        }
        return None;
    }
    let templated = template_markers(&text);
    if name == "php.ini"
        || name.starts_with("php.ini-")
        || (e == "ini" && looks_like_php_ini(&text))
    {
        // A Helm chart's `{{- range ... }}` php.ini was three false FPM002 (triage 17a).
        if templated {
            return Some(Role::Template("Jinja/Go template markers"));
        }
        return (e == "ini" || name.starts_with("php.ini")).then_some(Role::PhpIni);
    }
    if name.ends_with(".template") || name.ends_with(".conf.tmpl") {
        return nginx_score(&text).then_some(Role::NginxTemplate);
    }
    // Source code named after nginx (aaPanel's class/nginx.py) is no configuration.
    if matches!(
        e.as_str(),
        "py" | "sh"
            | "php"
            | "js"
            | "ts"
            | "rb"
            | "go"
            | "pl"
            | "pm"
            | "md"
            | "txt"
            | "json"
            | "html"
            | "svg"
            | "xml"
            | "vue"
            | "jsx"
            | "tsx"
            | "css"
            | "scss"
            | "lua"
            | "java"
            | "rs"
            | "c"
            | "h"
            | "toml"
            | "lock"
    ) || text.trim_start().starts_with("<?xml")
        || text.trim_start().starts_with("<svg")
    {
        return None;
    }
    let candidate = matches!(e.as_str(), "conf" | "vhost" | "nginx" | "site" | "")
        || name.contains("nginx")
        || in_config_folder(path);
    if !candidate {
        return None;
    }
    if templated {
        return looks_like_config(&text).then_some(Role::Template("Jinja/Go template markers"));
    }
    if let Some(kind) = installer_template(&text) {
        return Some(Role::Template(kind));
    }
    if fpm_score(&text) {
        let main = text
            .lines()
            .any(|l| l.trim().eq_ignore_ascii_case("[global]"))
            && text.lines().any(|l| l.trim_start().starts_with("include"));
        return Some(Role::Fpm { main });
    }
    if nginx_score(&text) {
        if shell_defaults(&text) {
            return Some(Role::Template(
                "template (${NAME:-default} placeholders, which nginx cannot read: rendered at start by envplate, dockerize or a shell)",
            ));
        }
        return Some(Role::Nginx {
            main: nginx_is_main(&text),
        });
    }
    None
}

/// `##NAME##` with an upper-case name inside a line.
fn hash_hash_name(line: &str) -> bool {
    upper_name_between(line, "##", "##")
}

/// `#{NAME}` with an upper-case name inside a line (a comment's `# {foo}` is none).
fn hash_braced_name(line: &str) -> bool {
    upper_name_between(line, "#{", "}")
}

/// `open`, an upper-case name (`A-Z`, digits, `_`), then `close`, anywhere in the line.
fn upper_name_between(line: &str, open: &str, close: &str) -> bool {
    line.match_indices(open).any(|(at, _)| {
        let name = &line[at + open.len()..];
        let len = name
            .bytes()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        len > 0 && name[len..].starts_with(close)
    })
}

/// Templates of installers and hosting panels, filled in by their own scripts before
/// nginx or php-fpm reads them: ISPConfig's vlibTemplate (`<tmpl_if name='ssl'>`,
/// `{tmpl_var name='port'}`), iRedMail's `PH_NAME` and Vesta's `%name%` placeholders
/// (replaced by `perl -pi -e 's#PH_X#...#'`, `sed`). Read as they are, their placeholders
/// were dozens of false errors per file. Two placeholders (outside comments) are needed:
/// one `%s` in a log format is no template.
pub(crate) fn installer_template(text: &str) -> Option<&'static str> {
    let mut placeholders = 0;
    let text_has_lua = text.contains("_by_lua");
    // Upper-case upstream names (`upstream BACKEND_API`) are names, not placeholders.
    let upstreams: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("upstream "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    for line in text.lines().map(str::trim_start) {
        if line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if line.contains("<tmpl_") || line.contains("{tmpl_") || line.contains("</tmpl_") {
            return Some("ISPConfig (vlibTemplate) template");
        }
        // cPanel's ea-nginx.conf.tt: `[% IF ... %]`, `[%- server.name -%]`.
        if line.contains("[%") && line.contains("%]") {
            return Some("Template Toolkit template ([% ... %])");
        }
        if double_braced_name(line) {
            return Some("template ({{NAME}} placeholders, filled in by a start script)");
        }
        // Ruby/CoffeeScript interpolation (`server_name build.#{MAIN_DOMAIN};`, 10up's
        // wp-local-docker): nginx reads `#` as a comment there and loses the `;`.
        if hash_braced_name(line) {
            return Some("template (#{NAME} placeholders, filled in by a generator)");
        }
        // `server ##WSL2_HOST##:6443;` (khs1994-docker/lnmp, filled in by sed): nginx
        // reads `#` as a comment and loses the rest of the line.
        if hash_hash_name(line) {
            return Some("template (##NAME## placeholders, filled in by a script)");
        }
        // Lua tables (`{ok}`) in OpenResty's `*_by_lua_block` bodies are no placeholders.
        if !text_has_lua {
            placeholders += braced_names(line);
        }
        // In the address nginx connects to or listens on, one placeholder is enough:
        // nothing about that address can be judged (webdevops' `upstream php { server
        // <PHP_SOCKET>; }`, filled in by its entrypoint's go-replace, was a false NGX014).
        let weight = if ["fastcgi_pass", "listen", "proxy_pass", "server "]
            .iter()
            .any(|d| line.starts_with(d))
        {
            2
        } else {
            1
        };
        if line.contains('<') {
            // An upper-case name with a `_` (`<DOCUMENT_INDEX>`,
            // `<SERVICE_NGINX_CLIENT_MAX_BODY_SIZE>`) is one on its own: webdevops' images
            // fill their vhost snippets' placeholders in at start (go-replace), and a
            // snippet written for them has one (`client_max_body_size <…>;`: a false
            // NGX014; `try_files … /<DOCUMENT_INDEX>?$query_string`: a false NGX208).
            placeholders += weight
                * angle_bracketed(line)
                    .iter()
                    .map(|name| {
                        let upper = name.contains('_')
                            && name
                                .bytes()
                                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
                        if upper {
                            2
                        } else {
                            1
                        }
                    })
                    .sum::<usize>();
        }
        placeholders += weight * double_underscored_names(line);
        placeholders += weight * bare_names_leading_arguments(line, &upstreams);
        if line.contains('!') {
            placeholders += weight * bang_names(line);
        }
        if line.contains('@') {
            placeholders += weight * at_sign_names(line);
        }
        if !line.contains("PH_") && !line.contains('%') {
            continue;
        }
        // `%NAME%` inside a word (`unix:/run/php/php%VERSION%-fpm.sock`, cypht's CI site
        // rendered by `sed s?%VERSION%?...?`); in the address nginx connects to or
        // listens on, one is enough: nothing about that address can be judged.
        let inside = percent_names_inside_words(line);
        let address = ["fastcgi_pass", "listen", "proxy_pass", "server "]
            .iter()
            .any(|d| line.starts_with(d));
        placeholders += if address { inside * 2 } else { inside };
        // A whole address written as one (elabimg's `proxy_pass %INDIGO_URL%;`, filled in
        // by `sed` at start) is enough the same way.
        let whole = line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '%'))
            .filter(|word| {
                let upper_name = |w: &str| {
                    w.len() > 1
                        && w.bytes()
                            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                };
                word.strip_prefix("PH_").is_some_and(upper_name)
                    || word
                        .strip_prefix('%')
                        .and_then(|w| w.strip_suffix('%'))
                        .is_some_and(|w| {
                            w.len() > 1
                                && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                                && !w.bytes().all(|b| b.is_ascii_digit())
                        })
            })
            .count();
        placeholders += if address { whole * 2 } else { whole };
    }
    (placeholders >= 2).then_some(
        "installer template (PH_NAME, %name%, {name}, <NAME>, __NAME__, !NAME!, @NAME@ or bare UPPER_NAME placeholders)",
    )
}

/// Bare upper-case names that begin an address or a path (Laravel Valet's stubs, filled
/// in by its installer's `str_replace`: `fastcgi_pass "unix:VALET_HOME_PATH/valet.sock";`,
/// `proxy_pass VALET_PROXY_HOST;`, `error_log "VALET_HOME_PATH/Log/nginx-error.log";`;
/// `root APP_ROOT_DIR/public;` filled in by an entrypoint's `sed`). Read as written they
/// were a relative socket path no pool listens on and an "invalid URL prefix". Only in
/// directives that take an address or a path, only at the start of an argument (after
/// `unix:` or a scheme), with a `_` in the name (`SAMEORIGIN`, `HIGH` are words) and not
/// an upstream's name.
fn bare_names_leading_arguments(line: &str, upstreams: &[&str]) -> usize {
    const TAKES_PATH_OR_ADDRESS: &[&str] = &[
        "fastcgi_pass",
        "proxy_pass",
        "uwsgi_pass",
        "listen",
        "server",
        "root",
        "alias",
        "include",
        "error_log",
        "access_log",
        "ssl_certificate",
        "ssl_certificate_key",
    ];
    let mut words = line.split_whitespace();
    let Some(directive) = words.next() else {
        return 0;
    };
    let placeholder = |name: &str| {
        name.len() >= 4 && name.contains('_') && upper_case_name(name) && !upstreams.contains(&name)
    };
    // `server_name PRJ_NAME PRJ_ADDR;` (vukor/docker-lnmp's vhost template, filled in by
    // a script's sed): a host name has no `_` and no capital-only words.
    if directive == "server_name" {
        return words
            .map(|w| w.trim_end_matches(';'))
            .filter(|w| placeholder(w))
            .count();
    }
    if !TAKES_PATH_OR_ADDRESS.contains(&directive) {
        return 0;
    }
    // Whole folders of an absolute path (`root /home/dev/www/PRJ_NAME/DOC_ROOT_DIR;`):
    // a name between two `/`, or the last one.
    let folders = |arg: &str| {
        let arg = arg.trim_matches(['"', '\'', ';']);
        if !arg.starts_with('/') {
            return 0;
        }
        arg.split('/')
            .skip(1)
            .filter(|segment| placeholder(segment))
            .count()
    };
    let words: Vec<&str> = words.collect();
    let in_folders: usize = words.iter().map(|w| folders(w)).sum();
    in_folders
        + words
            .iter()
            .filter(|arg| {
                let arg = arg.trim_start_matches(['"', '\'']);
                let arg = ["unix:", "http://", "https://", "fastcgi://"]
                    .iter()
                    .find_map(|scheme| arg.strip_prefix(scheme))
                    .unwrap_or(arg);
                let len = arg
                    .bytes()
                    .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
                    .count();
                let name = &arg[..len];
                let ends = arg[len..]
                    .chars()
                    .next()
                    .is_none_or(|c| matches!(c, '/' | ':' | '.' | ';' | '"' | '\''));
                ends && placeholder(name)
            })
            .count()
}

/// `!NAME!` placeholders (magento-cloud-docker's nginx images: `server !FPM_HOST!:!FPM_PORT!;`,
/// filled in by `sed` in the entrypoint): an upper-case name between two `!`. nginx's own
/// `!` comes before `-f`, `~` or `=` (`!-e`, `!~`, `!=`), never before a capital letter.
fn bang_names(line: &str) -> usize {
    let parts: Vec<&str> = line.split('!').collect();
    (1..parts.len().saturating_sub(1))
        .filter(|&i| upper_case_name(parts[i]))
        .count()
}

/// `%NAME%` placeholders that do not start a word (those are counted with the words): an
/// upper-case name between two `%` after other text (`php%VERSION%-fpm`). URL escapes
/// (`%2F`) begin with a digit and are not names.
fn percent_names_inside_words(line: &str) -> usize {
    line.split(|c: char| c.is_whitespace() || c == ';')
        .filter(|word| !word.starts_with('%'))
        .map(|word| {
            let parts: Vec<&str> = word.split('%').collect();
            // The text between two `%` signs is at the odd positions (a last part has no
            // closing `%`).
            (1..parts.len().saturating_sub(1))
                .step_by(2)
                .filter(|&i| upper_case_name(parts[i]))
                .count()
        })
        .sum()
}

/// autoconf-style `@UPLOAD_MAX_SIZE@` (librenms/docker's /tpls, filled in by `sed` at
/// start): an upper-case name between two `@`. A named location (`@php`) has one.
fn at_sign_names(line: &str) -> usize {
    line.split('@')
        .skip(1)
        .step_by(2)
        .zip(line.split('@').skip(2).step_by(2))
        .filter(|(name, _)| upper_case_name(name))
        .count()
}

/// A placeholder's name: two or more upper-case letters, digits or `_`, a letter first.
fn upper_case_name(name: &str) -> bool {
    name.len() > 1
        && name.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// YunoHost's `__PATH__`, `__INSTALL_DIR__`, `__PHP_VERSION__` (its helpers fill them
/// in with `ynh_replace`): an upper-case name between double underscores, also inside a
/// word (`php__PHP_VERSION__-fpm-__APP__.sock` holds two).
fn double_underscored_names(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while let Some(at) = line.get(i..).and_then(|rest| rest.find("__")) {
        let start = i + at + 2;
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b'_')
            .count();
        let run = &line[start..start + len];
        match run.strip_suffix("__") {
            Some(name) if name.bytes().next().is_some_and(|b| b.is_ascii_uppercase()) => {
                count += 1;
                i = start + len;
            }
            _ => i = start,
        }
    }
    count
}

/// `<UPLOAD_MAX_SIZE>`-style placeholders (mondediefr/docker-flarum's start script fills
/// them in with `sed`; Webinoly's installer `<port>` and `<site_name>`): a name in angle
/// brackets outside quotes, where nginx syntax never has one (HTML in a quoted
/// `return` or `sub_filter` is text).
fn angle_bracketed(line: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut quote: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            // A regex's named group, `(?<slug>...)`, `(?P<slug>...)`, and its
            // back-reference `\k<slug>`: nginx syntax, no placeholder.
            (None, '<')
                if line[..i].ends_with('?')
                    || line[..i].ends_with("?P")
                    || line[..i].ends_with("\\k") => {}
            (None, '<') => {
                let rest = &line[i + 1..];
                let Some((name, _)) = rest.split_once('>') else {
                    continue;
                };
                let is_name = name.len() > 1
                    && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if is_name {
                    names.push(name);
                }
            }
            _ => {}
        }
    }
    names
}

/// A `{{NAME}}` or `{{ .Values.x }}` placeholder (Mustache, Jinja, Go templates) outside
/// quotes: tiredofit's images fill `fastcgi_read_timeout {{PHP_TIMEOUT}};` in at start.
/// nginx never reads `{{` as anything but a syntax error; quoted, it is text (a
/// `sub_filter` of an HTML template's placeholder), and stays linted.
/// Jinja/Go-template markers outside comments (`{% if %}`, `{{ getenv "X" }}`, `{{.Port}}`,
/// `{{- end }}`): not renderable here. A `%{...}t` in a commented access.format line of
/// www.conf is no template.
pub(crate) fn template_markers(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .filter(|l| !l.starts_with(';') && !l.starts_with('#'))
        .any(|l| l.contains("{%") || l.contains("{{ ") || l.contains("{{.") || l.contains("{{-"))
}

pub(crate) fn double_braced_name(line: &str) -> bool {
    let mut rest = line;
    let mut before = 0;
    while let Some(at) = rest.find("{{") {
        let prefix = &line[..before + at];
        let quoted = prefix.matches('"').count() % 2 == 1 || prefix.matches('\'').count() % 2 == 1;
        let inner = rest[at + 2..].trim_start();
        let name_len = inner
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
            .count();
        let named = name_len > 0
            && inner[..name_len].bytes().any(|b| b.is_ascii_alphabetic())
            && inner[name_len..].trim_start().starts_with("}}");
        if named && !quoted {
            return true;
        }
        before += at + 2;
        rest = &rest[at + 2..];
    }
    false
}

/// A shell default outside comments (`${NGINX_FASTCGI_PASS:-php}`, `${WEBROOT:=web}`):
/// nginx reads no such thing, so an nginx file that has one is rendered before nginx
/// starts (Lagoon's `ep /etc/nginx/*`). php-fpm 8.3 reads them itself: not asked of its
/// files.
pub(crate) fn shell_defaults(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .filter(|line| !line.starts_with('#'))
        .any(|line| {
            line.split("${").skip(1).any(|rest| {
                let name_len = rest
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                name_len > 0
                    && [":-", ":=", ":+", ":?"]
                        .iter()
                        .any(|op| rest[name_len..].starts_with(op))
            })
        })
}

/// A file rendered as envplate (`ep`) renders it: every `${KEY}` and `${KEY:-default}`
/// takes the variable's value when the environment defines it (empty included), else
/// the default; `\${KEY}` is the text `${KEY}`. `Err(key)` names a variable that is
/// neither known nor given a default on a line that is not a comment: what nginx reads
/// there is not known (envplate itself stops with "requires undeclared environment
/// variable"). In a comment it is rendered empty, as envplate writes it. The shell's
/// other forms (`${KEY:=x}`, `${KEY:+x}`, `${KEY:?x}`) are no envplate syntax: `Err`.
pub(crate) fn render_envplate(
    text: &str,
    env: &std::collections::BTreeMap<String, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let comment = matches!(line.trim_start().as_bytes().first(), Some(b'#' | b';'));
        let mut rest = line;
        while let Some(i) = rest.find("${") {
            let Some(close) = rest[i..].find('}').map(|c| i + c) else {
                break;
            };
            let before = &rest[..i];
            let backslashes = before.len() - before.trim_end_matches('\\').len();
            let (kept, _) = before.split_at(before.len() - backslashes);
            out.push_str(kept);
            out.push_str(&"\\".repeat(backslashes / 2));
            let inner = &rest[i + 2..close];
            if backslashes % 2 == 1 {
                // An escaped reference: written without its escaping backslash.
                out.push_str(&rest[i..=close]);
            } else {
                let (key, default) = match inner.split_once(":-") {
                    Some((key, default)) => (key, Some(default)),
                    None => (inner, None),
                };
                let plain =
                    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                match (env.get(key), default) {
                    _ if !plain && !comment => return Err(key.to_string()),
                    (Some(value), _) => out.push_str(value),
                    (None, Some(default)) => out.push_str(default),
                    (None, None) if comment => {}
                    (None, None) => return Err(key.to_string()),
                }
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
    }
    Ok(out)
}

/// ISPConfig's `{apps_vhost_port}`, `{ssl_comment}`: a lower-case name in braces inside a
/// word. Never nginx (a brace opens or closes a block; `${name}` is a variable, and
/// regex counts like `{2,3}` hold digits).
fn braced_names(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while let Some(open) = bytes[i..].iter().position(|&b| b == b'{').map(|p| i + p) {
        let name_len = bytes[open + 1..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || **b == b'_')
            .count();
        let close = open + 1 + name_len;
        // `${name}` is a variable; `%{mili}d` a php-fpm access.format field.
        let after_dollar = open > 0 && matches!(bytes[open - 1], b'$' | b'%');
        if name_len > 0
            && bytes[open + 1].is_ascii_lowercase()
            && bytes.get(close) == Some(&b'}')
            && !after_dollar
        {
            count += 1;
        }
        i = open + 1;
    }
    count
}

/// Whether a manifest carries nginx or php-fpm configuration in one of its values (a
/// ConfigMap's `default.conf: |` block): a statement only those files have.
fn embeds_config(text: &str) -> bool {
    const MARKERS: [&str; 6] = [
        "fastcgi_pass ",
        "server {",
        "location ",
        "pm.max_children",
        "listen.owner",
        "pm = ",
    ];
    text.lines()
        .map(str::trim_start)
        .any(|l| MARKERS.iter().any(|m| l.starts_with(m)))
}

fn looks_like_config(text: &str) -> bool {
    nginx_score(text) || fpm_score(text)
}

/// A template's text without the lines that are template logic alone (`{% if ... %}`,
/// `{% block %}`, `{# ... #}`, `<% end %>`): what is left is the configuration it renders,
/// which [`looks_like_config`] can judge. geerlingguy's nginx role templates are half
/// `{% block %}` lines, and were not recognised (no "not rendered" note).
fn without_tag_lines(text: &str) -> String {
    text.lines()
        .filter(|line| {
            let t = line.trim();
            let tag = (t.starts_with("{%") && t.ends_with("%}"))
                || (t.starts_with("{#") && t.ends_with("#}"))
                || (t.starts_with("<%") && t.ends_with("%>"));
            !tag
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Keys only php-fpm files set (pool and global directives).
const FPM_KEYS: &[&str] = &[
    "pm",
    "pm.max_children",
    "pm.start_servers",
    "pm.min_spare_servers",
    "pm.max_spare_servers",
    "pm.max_requests",
    "pm.process_idle_timeout",
    "listen",
    "listen.owner",
    "listen.group",
    "listen.mode",
    "listen.allowed_clients",
    "listen.backlog",
    "request_terminate_timeout",
    "request_slowlog_timeout",
    "slowlog",
    "catch_workers_output",
    "clear_env",
    "security.limit_extensions",
    "pm.status_path",
    "ping.path",
    "daemonize",
    "process_control_timeout",
    "emergency_restart_threshold",
    "decorate_workers_output",
];

pub(crate) fn fpm_score(text: &str) -> bool {
    let mut fpm = 0;
    // `listen` and `daemonize` are other daemons' keys too (vsftpd's `listen=YES`,
    // dovecot's `listen = *, ::`): alone, without a `[section]` or another php-fpm key,
    // they are no evidence (outroll/vesta: 42 false errors on vsftpd.conf, dovecot.conf).
    let mut generic = 0;
    let mut sections = 0;
    let mut foreign = 0;
    let mut unknown = 0;
    // Keys php-fpm knows that are not its alone (`pid`, `error_log`, `include`): in a
    // `[global]` section they are a php-fpm.conf (Debian's holds nothing else).
    let mut global_keys = 0;
    let mut in_global = false;
    // php-fpm's keys in a pool section (`[www]` with `user = root`, `group = root`:
    // lando's zz-lando.conf), each another program's too.
    let mut pool_keys = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if line.starts_with("[program:")
            || line.starts_with("[supervisord")
            || line.starts_with("[unix_http_server")
            || line.starts_with("[mysqld")
        {
            foreign += 10;
        } else if line.starts_with('[') && line.ends_with(']') {
            sections += 1;
            in_global = line == "[global]";
        }
        if let Some((k, _)) = line.split_once('=') {
            let k = k.trim().to_ascii_lowercase();
            if k == "listen" || k == "daemonize" {
                generic += 1;
            } else if FPM_KEYS.contains(&k.as_str())
                || k.starts_with("php_admin_value[")
                || k.starts_with("php_value[")
                || k.starts_with("php_admin_flag[")
                || k.starts_with("php_flag[")
                || k.starts_with("env[")
            {
                fpm += 1;
            } else if k == "include" || fpm_conf_parser::fpm_directive(&k).is_some() {
                global_keys += usize::from(in_global);
                pool_keys += usize::from(
                    !in_global
                        && sections > 0
                        && fpm_conf_parser::fpm_directive_section(&k) == Some("pool"),
                );
            } else {
                unknown += 1;
            }
        }
        if line.ends_with(';') || line.ends_with('{') {
            foreign += 1;
        }
    }
    fpm += global_keys;
    // Two or more of them and nothing php-fpm does not know (`[client] user = …
    // password = …` is MySQL's).
    if pool_keys >= 2 && unknown == 0 {
        fpm += pool_keys;
    }
    if fpm > 0 || sections > 0 {
        fpm += generic;
    }
    // Mostly keys php-fpm does not know: another program's ini or TOML (CRI-O's
    // `crio.conf`: `[crio.api]`, `listen = "/var/run/crio/crio.sock"` and twenty
    // `cgroup_manager`s, read as a pool with twenty errors).
    fpm > 0 && fpm >= foreign && unknown <= fpm
}

fn looks_like_php_ini(text: &str) -> bool {
    const PHP: &[&str] = &[
        "memory_limit",
        "upload_max_filesize",
        "post_max_size",
        "max_execution_time",
        "display_errors",
        "error_reporting",
        "date.timezone",
        "opcache.enable",
        "session.save_path",
        "max_input_time",
        "short_open_tag",
        "expose_php",
        "log_errors",
        "fastcgi.logging",
        "cgi.fix_pathinfo",
        "extension",
        "zend_extension",
        "opcache.memory_consumption",
    ];
    text.lines().map(str::trim).any(|l| {
        l.split_once('=')
            .is_some_and(|(k, _)| PHP.contains(&k.trim().to_ascii_lowercase().as_str()))
    })
}

/// nginx statements the file's top level or blocks start with.
const NGINX_WORDS: &[&str] = &[
    "server",
    "location",
    "listen",
    "server_name",
    "root",
    "index",
    "fastcgi_pass",
    "fastcgi_param",
    "include",
    "try_files",
    "upstream",
    "http",
    "events",
    "worker_processes",
    "user",
    "error_log",
    "access_log",
    "proxy_pass",
    "return",
    "rewrite",
    "add_header",
    "client_max_body_size",
    "gzip",
    "sendfile",
    "keepalive_timeout",
    "fastcgi_split_path_info",
    "fastcgi_index",
    "error_page",
    "map",
    "set",
    "if",
    "ssl_certificate",
    "pid",
    "log_format",
];

fn nginx_score(text: &str) -> bool {
    let mut known = 0;
    let mut statements = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.ends_with(';') || line.ends_with('{') || line == "}" {
            statements += 1;
        }
        let first = line
            .split(|c: char| c.is_whitespace() || c == '{' || c == ';')
            .next()
            .unwrap_or("");
        if NGINX_WORDS.contains(&first)
            && (line.ends_with(';') || line.ends_with('{') || line.contains(" {"))
        {
            known += 1;
        }
    }
    known > 0
        && statements * 2
            >= text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
                .count()
                .max(1)
}

pub(crate) fn nginx_is_main(text: &str) -> bool {
    let mut depth = 0i32;
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') {
            continue;
        }
        if depth == 0 {
            let first = line
                .split(|c: char| c.is_whitespace() || c == '{')
                .next()
                .unwrap_or("");
            if first == "http" || first == "events" || first == "worker_processes" {
                return true;
            }
        }
        depth += line.matches('{').count() as i32;
        depth -= line.matches('}').count() as i32;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, text: &str) -> Option<Role> {
        classify(Path::new(name), text.as_bytes())
    }

    /// Files that cannot be configuration are not read: a Drupal core's PHP, templates,
    /// styles and images. A candidate folder or name, a Dockerfile, and every extension
    /// `classify` reads for its text still are.
    #[test]
    fn source_and_assets_are_not_read() {
        for path in [
            "public/core/lib/Drupal.php",
            "public/core/themes/olivero/templates/page.html.twig",
            "public/core/misc/drupal.js",
            "public/core/misc/logo.png",
            "public/core/modules/node/node.module",
        ] {
            assert!(never_configuration(Path::new(path)), "{path}");
        }
        for path in [
            "docker/nginx/conf.d/php.inc",
            "nginx/sites-enabled/app.inc",
            "snippets/nginx-php.inc",
            "docker/Dockerfile.php",
            "docker/nginx/default.conf",
            "sites/default",
            "docker/php/www.conf",
            "docker/compose.yml",
            "nginx-T.txt",
        ] {
            assert!(!never_configuration(Path::new(path)), "{path}");
        }
        // What is passed over unread is what `classify` refuses when read.
        let site = "server {\n    listen 80;\n    location ~ \\.php$ {\n        fastcgi_pass php:9000;\n    }\n}\n";
        for path in ["app/nginx_conf.php", "public/core/site.twig", "a/b.css"] {
            assert_eq!(role(path, site), None, "{path}");
        }
    }

    /// Laravel Valet's stubs (`unix:VALET_HOME_PATH/valet.sock`, `proxy_pass
    /// VALET_PROXY_HOST`) are templates; upper-case upstream names, header values and
    /// parameter names are not placeholders.
    #[test]
    fn bare_upper_case_names_leading_addresses_are_placeholders() {
        let valet = "server {\n    listen 127.0.0.1:80;\n    root /;\n    error_log \"VALET_HOME_PATH/Log/nginx-error.log\";\n    location ~ [^/]\\.php(/|$) {\n        fastcgi_pass \"unix:VALET_HOME_PATH/valet.sock\";\n    }\n}\n";
        assert!(installer_template(valet).is_some());
        let proxy = "server {\n    listen 80;\n    location / {\n        proxy_pass VALET_PROXY_HOST;\n    }\n}\n";
        assert!(installer_template(proxy).is_some());
        let sed = "server {\n    listen 8080;\n    root APP_ROOT_DIR/public;\n    access_log APP_LOG_DIR/access.log;\n}\n";
        assert!(installer_template(sed).is_some());
        // vukor/docker-lnmp's vhost template: names as whole folders and host names.
        let folders = "server {\n    listen 80;\n    server_name PRJ_NAME PRJ_ADDR;\n    root /home/dev/www/PRJ_NAME/DOC_ROOT_DIR;\n}\n";
        assert!(installer_template(folders).is_some());
        let one_folder = "server {\n    listen 80;\n    server_name example.com;\n    root /srv/APP_DATA/public;\n}\n";
        assert_eq!(installer_template(one_folder), None);
        let real = "upstream BACKEND_API { server 10.0.0.2:8080; }\nserver {\n    listen 80;\n    add_header X-Frame-Options SAMEORIGIN;\n    ssl_ciphers HIGH:!aNULL;\n    ssl_certificate /etc/ssl/SITE_CERT.pem;\n    location / {\n        fastcgi_param APP_ENV production;\n        proxy_pass http://BACKEND_API;\n    }\n}\n";
        assert_eq!(installer_template(real), None);
    }

    /// Symfony's service containers are no Compose files, whether they show `_defaults`
    /// or only services with a `class` and `arguments` (phpBB's services_feed.yml); a
    /// Compose file of services with images is one.
    #[test]
    fn symfony_service_files_are_not_compose_files() {
        let phpbb = "services:\n    feed.helper:\n        class: phpbb\\feed\\helper\n        arguments:\n            - '@config'\n";
        assert_eq!(role("services_feed.yml", phpbb), None);
        let plain = "services:\n    mailer:\n        class: Mailer\n        arguments: ['%mailer.transport%']\n";
        assert_eq!(role("services.yml", plain), None);
        let compose = "services:\n  web:\n    image: nginx:1.25\n";
        assert!(matches!(role("stack.yml", compose), Some(Role::Compose)));
    }

    /// CRI-O's TOML (khs1994-docker/lnmp's kubeadm-crio.conf) has sections and a
    /// `listen`, and twenty keys php-fpm does not know: no pool. A pool with one typo
    /// among its keys still is one.
    #[test]
    fn documents_and_build_files_are_no_configuration() {
        let license = "Copyright (c) <year> <copyright holders>\n\nPermission is hereby granted, free of charge, to any person obtaining a copy <NAME>\n";
        for name in ["LICENSE", "LICENSE.txt", "COPYING", "Vagrantfile", "README"] {
            assert_eq!(role(name, license), None, "{name}");
        }
        // A site file of any other name is still one.
        assert!(role("site", "server {\n    listen 80;\n    root /var/www;\n}\n").is_some());
    }

    /// An SVG or a Vue component named after nginx (digitalocean/nginxconfig.io's
    /// `static/nginx.svg`) is no configuration, nor an "installer template".
    #[test]
    fn images_and_components_named_nginx_are_no_configuration() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 <W> <H>\"><path d=\"M1 <X>\"/></svg>\n";
        assert_eq!(role("src/static/nginx.svg", svg), None);
        assert_eq!(role("src/static/nginx", svg), None);
        let vue = "<template>\n  <pre>server { listen <PORT>; }</pre>\n</template>\n";
        assert_eq!(role("templates/prism/nginx.vue", vue), None);
    }

    /// `##NAME##` placeholders, filled in by a script: nginx would read a comment from
    /// the first `#` (khs1994-docker/lnmp's kube-nginx.conf.temp).
    #[test]
    fn hash_hash_placeholders_make_a_template() {
        let text = "stream {\n    upstream kube {\n        server ##WSL2_HOST##:6443;\n    }\n}\n";
        assert!(matches!(
            role("conf/kube-nginx.conf", text),
            Some(Role::Template(_))
        ));
        // A comment's `## Section ##` banner is none.
        let text = "## Upstream ##\nserver {\n    listen 80;\n    root /var/www;\n}\n";
        assert!(matches!(
            role("conf/site.conf", text),
            Some(Role::Nginx { .. })
        ));
    }

    #[test]
    fn another_program_s_ini_is_no_pool() {
        let crio = "[crio]\n  root = \"/var/lib/containers/storage\"\n  log_dir = \"/var/log/crio/pods\"\n  [crio.api]\n    listen = \"/var/run/crio/crio.sock\"\n    stream_address = \"127.0.0.1\"\n    stream_port = \"0\"\n  [crio.runtime]\n    default_runtime = \"runc\"\n    cgroup_manager = \"systemd\"\n    default_capabilities = [\"CHOWN\", \"KILL\"]\n";
        assert_eq!(role("kubeadm/cri-o/kubeadm-crio.conf", crio), None);
        let pool = "[www]\nuser = www-data\nlisten = 9000\npm = dynamic\npm.max_children = 5\npm.max_chidlren_typo = 3\n";
        assert!(matches!(role("php/www.conf", pool), Some(Role::Fpm { .. })));
    }

    /// Debian's php-fpm.conf holds `[global]`, `pid`, `error_log` and `include` only,
    /// keys other programs use too: in a `[global]` section they are php-fpm's. Samba's
    /// `[global]` with its own keys is not.
    #[test]
    fn a_global_section_of_php_fpm_keys_is_php_fpm() {
        let debian = "[global]\npid = /run/php/php8.2-fpm.pid\nerror_log = /var/log/php8.2-fpm.log\n\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n";
        assert!(matches!(
            role("etc/php/8.2/fpm/php-fpm.conf", debian),
            Some(Role::Fpm { .. })
        ));
        let samba = "[global]\n   workgroup = WORKGROUP\n   server string = %h server\n   log file = /var/log/samba/log.%m\n   include = /etc/samba/shares.conf\n";
        assert_eq!(role("etc/samba/smb.conf", samba), None);
        // Outside `[global]` the shared keys prove nothing.
        assert_eq!(
            role(
                "etc/x.conf",
                "[main]\npid = /run/x.pid\nerror_log = /var/log/x.log\n"
            ),
            None
        );
    }

    /// Named groups in a `map` or `location` regex (`(?<slug>...)`) are nginx syntax; a
    /// site with two was an "installer template" and was never linted.
    #[test]
    fn regex_named_groups_are_no_placeholders() {
        let site = "map $request_uri $new {\n    ~^/old/(?<slug>[a-z0-9-]+)/?$ /blog/$slug;\n    ~^/item\\.php\\?id=(?P<id>[0-9]+)$ /p/$id;\n    ~^/(?<a>x)\\k<a>$ /y;\n}\nserver {\n    listen 80;\n    root /srv;\n}\n";
        assert_eq!(
            role("conf.d/site.conf", site),
            Some(Role::Nginx { main: false })
        );
        assert_eq!(
            angle_bracketed("location ~ ^(?<script>.+\\.php)(?<info>/.*)$ {").len(),
            0
        );
        // Look-alikes that stay placeholders: a name in brackets without the `?`.
        assert_eq!(
            angle_bracketed("server_name <SITE_NAME> (<port>);").len(),
            2
        );
    }

    /// One upper-case name with a `_` in angle brackets is a placeholder on its own
    /// (webdevops' vhost snippets); one lower-case name is not enough.
    #[test]
    fn one_upper_case_angle_placeholder_makes_a_template() {
        assert!(matches!(
            role(
                "vhost.common.d/10-location-root.conf",
                "location / {\n    try_files $uri $uri/ /<DOCUMENT_INDEX>?$query_string;\n}\n"
            ),
            Some(Role::Template(_))
        ));
        assert!(matches!(
            role(
                "conf.d/site.conf",
                "server {\n    listen 80;\n    server_name <site>;\n    root /srv;\n}\n"
            ),
            Some(Role::Nginx { main: false })
        ));
    }

    #[test]
    fn bang_placeholders_make_a_template_and_nginx_negations_do_not() {
        // magento-cloud-docker's images/nginx/*/etc/vhost.conf (its entrypoint seds them).
        let vhost = "upstream fastcgi_backend {\n  server !FPM_HOST!:!FPM_PORT!;\n}\nserver {\n  listen 8080;\n  set $MAGE_ROOT !MAGENTO_ROOT!;\n  client_max_body_size !UPLOAD_MAX_FILESIZE!;\n}\n";
        assert!(matches!(
            role("etc/vhost.conf", vhost),
            Some(Role::Template(_))
        ));
        assert_eq!(bang_names("  server !FPM_HOST!:!FPM_PORT!;"), 2);
        let site = "server {\n  listen 80;\n  if (!-e $request_filename) { rewrite ^ /index.php last; }\n  if ($http_x != \"A!B\") { return 403; }\n  if ($uri !~ \"^/A!\") { return 404; }\n}\n";
        assert!(matches!(role("site.conf", site), Some(Role::Nginx { .. })));
    }

    #[test]
    fn envplate_renders_values_then_defaults_and_stops_at_unknown_names() {
        let env: std::collections::BTreeMap<String, String> = [
            ("WEBROOT".to_string(), "/srv/app/public".to_string()),
            ("EMPTY".to_string(), String::new()),
        ]
        .into_iter()
        .collect();
        let text = "root ${WEBROOT:-/var/www/html};\nrewrite_log ${LOG:-off};\nset $a \"${EMPTY:-x}\";\n# ${UNSET}\nreturn 200 \"\\${KEEP}\";\n";
        assert_eq!(
            render_envplate(text, &env).as_deref(),
            Ok("root /srv/app/public;\nrewrite_log off;\nset $a \"\";\n# \nreturn 200 \"${KEEP}\";\n")
        );
        assert_eq!(
            render_envplate("root ${UNSET};\n", &env),
            Err("UNSET".to_string())
        );
        // nginx's own braced variable is an undeclared name to envplate.
        assert_eq!(
            render_envplate("return 200 \"${host}\";\n", &env),
            Err("host".to_string())
        );
        // The shell's `:=` is no envplate syntax.
        assert!(render_envplate("root ${R:=/x};\n", &env).is_err());
    }

    #[test]
    fn shell_defaults_make_an_nginx_file_a_template() {
        let nginx = "server {\n    root /app/${WEBROOT:-web};\n    location ~ \\.php$ {\n        fastcgi_pass ${NGINX_FASTCGI_PASS:-php}:9000;\n    }\n}\n";
        assert!(matches!(
            role("drupal.conf", nginx),
            Some(Role::Template(_))
        ));
        // nginx's own `${name}` and a commented default are no template.
        let plain = "server {\n    # root ${WEBROOT:-web};\n    return 200 \"${host}x\";\n}\n";
        assert!(matches!(role("site.conf", plain), Some(Role::Nginx { .. })));
    }

    #[test]
    fn one_angle_placeholder_in_an_address_makes_a_template() {
        // webdevops' conf.d/10-php.conf: its entrypoint's go-replace fills it at start.
        let upstream = "upstream php {\n    server <PHP_SOCKET>;\n}\n";
        assert!(matches!(
            role("10-php.conf", upstream),
            Some(Role::Template(_))
        ));
        // One elsewhere is not enough (a `<` in a value is common enough).
        let site = "server {\n    listen 80;\n    set $label <LABEL>;\n    root /srv;\n}\n";
        assert!(matches!(role("site.conf", site), Some(Role::Nginx { .. })));
    }

    #[test]
    fn one_percent_placeholder_as_a_whole_address_makes_a_template() {
        // elabimg's indigo.conf: its entrypoint seds the URL in before nginx starts.
        let site = "location /indigo/ {\n    proxy_pass %INDIGO_URL%;\n}\n";
        assert!(matches!(role("indigo.conf", site), Some(Role::Template(_))));
        // A percent sign in a value is no placeholder, nor one name outside an address.
        let site = "location / {\n    add_header X-Load \"50%\";\n    set $label %LABEL%;\n    root /srv;\n}\n";
        assert!(matches!(role("site.conf", site), Some(Role::Nginx { .. })));
    }

    #[test]
    fn yunohost_placeholders_make_a_template_and_scripts_are_no_configuration() {
        // YunoHost-Apps/roundcube_ynh conf/nginx.conf: a location snippet whose paths its
        // helpers fill in.
        let ynh = "location __PATH__/ {\n  alias __INSTALL_DIR__/;\n  location ~ [^/]\\.php(/|$) {\n    fastcgi_pass unix:/var/run/php/php__PHP_VERSION__-fpm-__APP__.sock;\n  }\n}\n";
        assert!(matches!(
            role("conf/nginx.conf", ynh),
            Some(Role::Template(_))
        ));
        assert_eq!(
            double_underscored_names("php__PHP_VERSION__-fpm-__APP__.sock"),
            2
        );
        // librenms/docker's /tpls.
        assert_eq!(
            at_sign_names("    client_max_body_size @UPLOAD_MAX_SIZE@;"),
            1
        );
        assert_eq!(at_sign_names("log_format main '$@LOG_IP_VAR@ - @X1@';"), 2);
        assert_eq!(
            at_sign_names("try_files $uri @php; location @Fallback {"),
            0
        );
        assert!(matches!(
            role("rootfs/tpls/etc/php83/php-fpm.d/www.conf", "[www]\npm.max_children = @FPM_PM_MAX_CHILDREN@\npm.start_servers = @FPM_PM_START_SERVERS@\n"),
            Some(Role::Template(_))
        ));
        // Look-alikes: a lone `__DIR__`, lower-case dunder names, a run of underscores.
        assert_eq!(double_underscored_names("root /srv/__pycache__/x;"), 0);
        assert_eq!(double_underscored_names("set $a ____;"), 0);
        assert_eq!(
            role(
                "conf/site.conf",
                "server {\n listen 80;\n root /srv/__DIR__/www;\n}\n"
            ),
            Some(Role::Nginx { main: false })
        );
        // Every Salt formula's bin/kitchen: Ruby, whose `ENV['X'] ||=` looked like env[].
        let kitchen = "#!/usr/bin/env ruby\nENV['BUNDLE_GEMFILE'] ||= File.expand_path('../Gemfile', __dir__)\nload Gem.bin_path('test-kitchen', 'kitchen')\n";
        assert_eq!(role("bin/kitchen", kitchen), None);
    }

    #[test]
    fn recognises_by_name_and_content() {
        assert_eq!(
            role("docker/nginx/default.conf", "server {\n listen 80;\n}\n"),
            Some(Role::Nginx { main: false })
        );
        assert_eq!(
            role("nginx.conf", "events {}\nhttp {\n include x;\n}\n"),
            Some(Role::Nginx { main: true })
        );
        assert_eq!(
            role("www.conf", "[www]\nlisten = 9000\npm = static\n"),
            Some(Role::Fpm { main: false })
        );
        assert_eq!(
            role("zz-docker.conf", "[global]\ndaemonize = no\n"),
            Some(Role::Fpm { main: false })
        );
        assert_eq!(
            role(
                "supervisord.conf",
                "[supervisord]\nnodaemon=true\n[program:php-fpm]\ncommand=php-fpm\n"
            ),
            None
        );
        assert_eq!(
            role("docker-compose.yml", "services:\n  a:\n    image: x\n"),
            Some(Role::Compose)
        );
        assert_eq!(
            role("stack/web.yml", "services:\n  web:\n    image: nginx\n"),
            Some(Role::Compose)
        );
        assert_eq!(
            role(
                "config/nginx/develop.conf",
                "server {\n    listen 80;\n    server_name build.#{MAIN_DOMAIN};\n    root /var/www;\n}\n"
            ),
            Some(Role::Template(
                "template (#{NAME} placeholders, filled in by a generator)"
            ))
        );
        // A pool drop-in of php-fpm keys that other programs have too (lando).
        assert_eq!(
            role("config/zz-lando.conf", "[www]\nuser = root\ngroup = root\n"),
            Some(Role::Fpm { main: false })
        );
        assert_eq!(
            role("my.cnf", "[client]\nuser = root\npassword = secret\n"),
            None
        );
        // Symfony's service container (bolt/core's config/services.yaml): PHP classes.
        assert_eq!(
            role(
                "config/services.yaml",
                "parameters:\n    locale: en\nservices:\n    _defaults:\n        autowire: true\n    App\\Twig\\PhpExtension: ~\n"
            ),
            None
        );
        assert_eq!(
            role("k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
            Some(Role::Kubernetes)
        );
        assert_eq!(
            role(
                "templates/default.conf.template",
                "server {\n listen ${PORT};\n}\n"
            ),
            Some(Role::NginxTemplate)
        );
        assert!(matches!(
            role(
                "roles/x/templates/site.conf.j2",
                "server {\n listen {{ port }};\n}\n"
            ),
            Some(Role::Template(_))
        ));
        assert_eq!(
            role("php/php.ini", "memory_limit = 256M\n"),
            Some(Role::PhpIni)
        );
        assert_eq!(role("README.md", "server {\n}\n"), None);
        // Other daemons' `listen` keys (outroll/vesta): not php-fpm. A section, or any
        // php-fpm key of its own, makes a `listen` php-fpm's.
        assert_eq!(
            role(
                "install/debian/vsftpd/vsftpd.conf",
                "anonymous_enable=NO\nlisten=YES\nlocal_enable=YES\n"
            ),
            None
        );
        assert_eq!(
            role(
                "dovecot/dovecot.conf",
                "protocols = imap pop3\nlisten = *, ::\n!include conf.d/*.conf\n"
            ),
            None
        );
        assert_eq!(
            role(
                "pool/site.conf",
                "[site]\nlisten = /run/php/site.sock\nuser = site\n"
            ),
            Some(Role::Fpm { main: false })
        );
        assert_eq!(
            role("fpm.conf", "listen = 9000\npm.max_children = 4\n"),
            Some(Role::Fpm { main: false })
        );
        // A `.tpl` an entrypoint renders with envsubst (`${DOMAIN}` only) is an nginx
        // template, not a Jinja one (nochlezhka/mks).
        assert_eq!(
            role(
                "nginx/templates/default.conf.tpl",
                "server {\n    listen 80;\n    server_name ${DOMAIN};\n    location / { try_files $uri /index.php$is_args$args; }\n}\n"
            ),
            Some(Role::NginxTemplate)
        );
        // Installers' and panels' templates (iRedMail, Vesta, ISPConfig) are not linted.
        for (name, text) in [
            ("samples/php/fpm/pool.d/www.conf", "[inet]\nlisten = PH_PHP_FPM_BIND_HOST:PH_PHP_FPM_PORT\npm = dynamic\n"),
            ("data/templates/web/nginx/php-fpm/default.tpl", "server {\n    listen %ip%:%proxy_port%;\n    server_name %domain_idn%;\n}\n"),
            ("ispconfig/nginx_apps.vhost.master", "server {\n    listen {apps_vhost_port};\n<tmpl_if name='use_tcp'>\n    fastcgi_pass 127.0.0.1:9000;\n</tmpl_if>\n}\n"),
            // cPanel's ea-nginx (Template Toolkit).
            ("SOURCES/cpanel/ea-nginx/ea-nginx.conf.tt", "map $host $x {\n    [% FOREACH d IN domains -%]\n    [% d %] 1;\n    [% END %]\n}\nclient_max_body_size [% settings.client_max_body_size %];\n"),
            // mondediefr/docker-flarum: `sed -i "s/<UPLOAD_MAX_SIZE>/.../"` at start.
            ("rootfs/etc/nginx/nginx.conf", "http {\n    client_max_body_size <UPLOAD_MAX_SIZE>;\n    server {\n        listen <FLARUM_PORT>;\n    }\n}\n"),
            // cypht's CI site: `sed s?%VERSION%?...?` fills the socket's name.
            (".github/tests/nginx/nginx-site.conf", "server {\n    listen 80;\n    location ~ \\.php$ {\n        fastcgi_pass unix:/run/php/php%VERSION%-fpm.sock;\n    }\n}\n"),
        ] {
            assert!(matches!(role(name, text), Some(Role::Template(_))), "{name}");
        }
        // A URL escape inside a word (`%2F`) and one name elsewhere than an address are
        // no template.
        assert!(matches!(
            role(
                "nginx/site.conf",
                "server {\n    listen 80;\n    rewrite ^/a%2Fb$ /b%2F%2Fc last;\n    add_header X-Build v%BUILD%;\n}\n"
            ),
            Some(Role::Nginx { .. })
        ));
        assert!(matches!(
            role(
                "install/tpl/nginx_apps.vhost.master",
                "server {\n    listen {apps_vhost_port};\n    root {apps_vhost_dir};\n}\n"
            ),
            Some(Role::Template(_))
        ));
        // `{{NAME}}` filled in by a start script (tiredofit/docker-nginx-php-fpm); quoted,
        // it is text nginx sends (a sub_filter of an HTML placeholder).
        assert!(matches!(
            role(
                "install/etc/nginx/snippets/php-fpm.conf",
                "location ~ \\.php$ {\n    fastcgi_read_timeout {{PHP_TIMEOUT}};\n    fastcgi_pass unix:/run/php.sock;\n}\n"
            ),
            Some(Role::Template(_))
        ));
        assert_eq!(
            role(
                "site.conf",
                "server {\n    listen 80;\n    sub_filter '{{BASE_URL}}' 'https://example.org';\n}\n"
            ),
            Some(Role::Nginx { main: false })
        );
        // Webinoly's installer fills `<port>` and `<site_name>` in with sed.
        assert!(matches!(
            role(
                "templates/site.conf",
                "server {\n    listen <port> default_server;\n    server_name <site_name>;\n}\n"
            ),
            Some(Role::Template(_))
        ));
        // One `<NAME>` is not enough; HTML in a string is no placeholder.
        assert_eq!(
            role(
                "site.conf",
                "server {\n    listen 80;\n    return 200 '<html><body>ok</body></html>';\n    sub_filter \"</head>\" \"<script>x</script></head>\";\n}\n"
            ),
            Some(Role::Nginx { main: false })
        );
        // php-fpm's access.format fields are no placeholders.
        assert_eq!(
            role("pool.d/www.conf", "[www]\nlisten = 9000\npm = static\npm.max_children = 2\naccess.format = \"%R - %u %t %{mili}d %{kilo}M %C%%\"\n"),
            Some(Role::Fpm { main: false })
        );
        // nginx's own braces: `${var}`, regex counts.
        assert_eq!(
            role("site.conf", "server {\n    listen 80;\n    location ~ ^/[a-z]{2}/ {\n        return 200 ${host}${uri};\n    }\n}\n"),
            Some(Role::Nginx { main: false })
        );
        // One placeholder-looking word is not a template (a strftime pattern in a log name).
        assert_eq!(
            role(
                "site.conf",
                "server {\n    listen 80;\n    access_log /var/log/nginx/%Y.log;\n}\n"
            ),
            Some(Role::Nginx { main: false })
        );
    }

    /// A Helm chart's files its templates read (`.Files.Get`), a templated php.ini, and
    /// backup copies are not linted as the servers' files; a file the chart does not read
    /// still is.
    #[test]
    fn chart_inputs_templates_and_backups_are_not_server_files() {
        let dir = tempfile::tempdir().expect("tmp");
        let chart = dir.path().join("charts/app");
        std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
        std::fs::create_dir_all(chart.join("conf")).expect("mkdir");
        std::fs::write(
            chart.join("Chart.yaml"),
            "apiVersion: v2\nname: app\nversion: 1.0.0\n",
        )
        .expect("write");
        std::fs::write(
            chart.join("templates/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  www.conf: |\n{{ tpl (.Files.Get \"conf/www.conf\") . | indent 4 }}\n",
        )
        .expect("write");
        let pool = "[www]\nuser = www-data\nlisten = 9000\npm = dynamic\n";
        std::fs::write(chart.join("conf/www.conf"), pool).expect("write");
        std::fs::write(chart.join("conf/extra.conf"), pool).expect("write");
        std::fs::write(
            chart.join("conf/php.ini"),
            "[PHP]\n{{- range $k, $v := .Values.ini }}\n{{ $k }} = {{ $v }}\n{{- end }}\nmemory_limit = 1024M\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("nginx.conf.orig"),
            "events {}\nhttp { server { listen 80; } }\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("www.conf.rpmnew"), pool).expect("write");
        let found = scan(dir.path());
        let role = |rel: &str| {
            found
                .iter()
                .find(|f| f.path == dir.path().join(rel))
                .map(|f| f.role.clone())
        };
        assert!(matches!(
            role("charts/app/conf/www.conf"),
            Some(Role::Template(_))
        ));
        assert!(matches!(
            role("charts/app/conf/php.ini"),
            Some(Role::Template(_))
        ));
        assert!(matches!(
            role("charts/app/conf/extra.conf"),
            Some(Role::Fpm { .. })
        ));
        assert!(role("nginx.conf.orig").is_none());
        assert!(role("www.conf.rpmnew").is_none());
        assert!(role("example.com.disabled").is_none());
    }
}
