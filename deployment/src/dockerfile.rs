//! Dockerfiles: the final stage's base image, the files `COPY`/`ADD` put into it,
//! the packages it installs, and the command it runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a Dockerfile builds (its last stage).
#[derive(Clone, Debug, Default)]
pub struct Dockerfile {
    /// The file.
    pub path: PathBuf,
    /// The base image of the last stage, after ARG substitution, following `FROM stage`
    /// back to an image.
    pub base: Option<String>,
    /// Files copied from the build context: (host path, container path, is a directory).
    pub copies: Vec<Copy>,
    /// `COPY --from=<stage or image>` destinations: content from another image, not from
    /// the repository, as (container path, 1-based line, the stage or image, how many
    /// `copies` came before it).
    pub copied_from_images: Vec<(PathBuf, usize, String, usize)>,
    /// `RUN apt-get install ... nginx` / `apk add nginx`.
    pub installs_nginx: bool,
    /// `RUN apt-get install php8.x-fpm` / `apk add php83-fpm`.
    pub installs_fpm: bool,
    /// The version suffix of an Alpine php-fpm package (`83` for `php83-fpm`).
    pub php_suffix: String,
    /// Where a `RUN mv /etc/php85 /etc/php` moved an Alpine php package's tree (PrivateBin
    /// links the old name back to it: the package reads the moved tree).
    pub php_dir_moved_to: Option<PathBuf>,
    /// The version of a Debian/Ubuntu php-fpm package (`8.4` for `php8.4-fpm`); empty
    /// for the distribution's default (`php-fpm`).
    pub php_version: String,
    /// The package manager seen (`apt`, `apk`).
    pub package_manager: Option<&'static str>,
    /// Config files edited by `RUN sed -i` / `echo >>` in ways not modelled (line, path):
    /// what is read there is not what runs.
    pub edited: Vec<(usize, String)>,
    /// The edits of `RUN sed -i` / `echo >>` that are modelled, in build order.
    pub build_edits: Vec<crate::build_edits::FileEdit>,
    /// Symbolic links `RUN ln -s TARGET LINK` makes, as (link, target), absolute.
    pub symlinks: Vec<(PathBuf, PathBuf)>,
    /// Links `RUN ln -s DIR/* LINKDIR/` makes, as (pattern, folder of the links), absolute:
    /// one per file the pattern matches when the RUN runs.
    pub glob_symlinks: Vec<(PathBuf, PathBuf)>,
    /// `CMD`/`ENTRYPOINT` words of the last stage.
    pub command: Vec<String>,
    /// `USER` of the last stage: the user its processes start as.
    pub user: Option<String>,
    /// Files deleted by `RUN rm` (absolute paths).
    pub removed: Vec<PathBuf>,
    /// Users `RUN` puts into groups, as (group, user): `usermod -aG www-data nginx`,
    /// `adduser nginx www-data`, `useradd -G www-data app`. nginx's worker takes its
    /// user's supplementary groups (initgroups), so a socket of that group opens.
    pub group_members: Vec<(String, String)>,
    /// A `RUN` creates accounts (`adduser`, `useradd`, `addgroup`, `groupadd`): the image's
    /// account files are no longer the base image's.
    pub adds_accounts: bool,
    /// Patterns deleted by `RUN rm` (`/usr/local/etc/php-fpm.d/*.conf`): every file of the
    /// base image they match is gone.
    pub removed_globs: Vec<String>,
    /// Configuration files `RUN touch` makes (absolute, below `/etc` or `/usr/local/etc`):
    /// empty unless something else puts them there (yaqiyukele/docker-alpine-nginx-php7
    /// touches the `env.conf` its php-fpm.conf includes).
    pub touched: Vec<PathBuf>,
    /// `ENV` of the last stage.
    pub env: BTreeMap<String, String>,
    /// nginx comes from nginx.org's package repository (the official image's layout).
    pub nginx_org_packages: bool,
    /// The version an install pins nginx to (`apt-get install nginx=1.28.0-1~bookworm`,
    /// `apk add nginx=1.26.3-r0`), as written after `=`.
    pub nginx_pin: Option<String>,
    /// Third-party modules an nginx built from source in any stage is configured with
    /// (`./configure --add-module=/build/headers-more-nginx-module`), as the catalogue
    /// names them: the binary is then copied into the image (elabftw/elabimg).
    pub nginx_modules: Vec<String>,
    /// nginx compiled from source in this stage (`./configure --prefix=… && make
    /// install`), or copied from the stage that compiled it (its prefix, conf folder or
    /// binary): where it reads its files (see [`crate::nginx_build`]).
    pub nginx_build: Option<crate::nginx_build::SourceBuild>,
    /// Directories a `RUN` may have written files into (`git clone URL .` in the
    /// WORKDIR, `composer create-project ... /var/www`,
    /// `tar -x -C /srv`): what is there is not known, but something may be.
    pub run_written: Vec<PathBuf>,
}

/// One `COPY`/`ADD` from the build context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copy {
    /// Source on this machine.
    pub host: PathBuf,
    /// Destination in the image (a directory when it ends with `/` or the source is one).
    pub target: PathBuf,
    /// Whether the destination names a directory the source goes into.
    pub into_dir: bool,
    /// 1-based line of the instruction.
    pub line: usize,
    /// The text of a here-document (`COPY <<'EOF' /dest`): the file is this, and `host`
    /// is the Dockerfile that holds it.
    pub content: Option<Arc<str>>,
    /// The source is written as a directory (`COPY build/fpm/ /`): its contents land in
    /// the destination, even when the repository lacks it.
    pub names_dir: bool,
}

/// The (group, user) pairs one shell command makes: `usermod -a -G G1,G2 USER`,
/// `gpasswd -a USER GROUP`, `adduser USER GROUP` / busybox `addgroup USER GROUP`, and a
/// user created in groups (`useradd -g G -G G1,G2 USER`, busybox `adduser -G G USER`,
/// Debian `adduser --ingroup G USER`).
///
/// ```
/// use deployment::dockerfile::group_membership;
/// let pairs = |cmd: &str| group_membership(&cmd.split_whitespace().collect::<Vec<_>>());
/// assert_eq!(pairs("usermod -aG www-data,docker nginx"), [("www-data".into(), "nginx".into()), ("docker".into(), "nginx".into())]);
/// assert_eq!(pairs("addgroup nginx www-data"), [("www-data".into(), "nginx".into())]);
/// assert_eq!(pairs("adduser -S -D -H -u 101 -G www-data app"), [("www-data".into(), "app".into())]);
/// assert!(pairs("addgroup -S -g 1000 app").is_empty());
/// assert_eq!(pairs("adduser nginx www-data # web group"), [("www-data".into(), "nginx".into())]);
/// ```
pub fn group_membership(words: &[&str]) -> Vec<(String, String)> {
    // A comment ends the command (`adduser nginx www-data # web group`).
    let words = &words[..words
        .iter()
        .position(|w| w.starts_with('#'))
        .unwrap_or(words.len())];
    let Some((command, args)) = words.split_first() else {
        return Vec::new();
    };
    let command = command.rsplit('/').next().unwrap_or(command);
    // Options that take a value, per command (the value is not a positional word).
    let valued: &[&str] = match command {
        "usermod" | "useradd" => &[
            "-c",
            "-d",
            "-e",
            "-f",
            "-g",
            "-G",
            "-k",
            "-K",
            "-l",
            "-p",
            "-P",
            "-R",
            "-s",
            "-u",
            "-Z",
            "--comment",
            "--home",
            "--home-dir",
            "--expiredate",
            "--inactive",
            "--gid",
            "--groups",
            "--skel",
            "--key",
            "--login",
            "--password",
            "--prefix",
            "--root",
            "--shell",
            "--uid",
            "--selinux-user",
        ],
        "adduser" | "addgroup" => &[
            "-h",
            "-g",
            "-s",
            "-G",
            "-k",
            "-u",
            "--home",
            "--gecos",
            "--shell",
            "--ingroup",
            "--uid",
            "--gid",
            "--firstuid",
            "--lastuid",
            "--comment",
            "--conf",
        ],
        "gpasswd" => &["-a", "--add"],
        _ => return Vec::new(),
    };
    let mut groups: Vec<String> = Vec::new();
    let mut positional: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let word = args[i];
        // `--groups=www-data`, and `-aG www-data`: the last of joined short flags is
        // the one that may take a value.
        let (option, inline): (String, Option<&str>) = if let Some(long) = word.strip_prefix("--") {
            match long.split_once('=') {
                Some((o, v)) => (format!("--{o}"), Some(v)),
                None => (word.to_string(), None),
            }
        } else if let Some(last) = word.strip_prefix('-').and_then(|f| f.chars().last()) {
            (format!("-{last}"), None)
        } else {
            (word.to_string(), None)
        };
        if word.starts_with('-') && valued.contains(&option.as_str()) {
            let value = inline.or_else(|| {
                i += 1;
                args.get(i).copied()
            });
            let names_group = matches!(
                (command, option.as_str()),
                ("usermod" | "useradd", "-G" | "--groups" | "-g" | "--gid")
                    | ("adduser", "-G" | "--ingroup")
            );
            if let (true, Some(value)) = (names_group, value) {
                // A numeric gid names no group here.
                groups.extend(
                    value
                        .split(',')
                        .filter(|g| !g.is_empty() && !g.bytes().all(|b| b.is_ascii_digit()))
                        .map(str::to_string),
                );
            }
            if command == "gpasswd" {
                if let Some(user) = value {
                    positional.push(user);
                }
            }
        } else if !word.starts_with('-') {
            positional.push(word);
        }
        i += 1;
    }
    let is_name = |w: &&str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    };
    match (command, positional.as_slice()) {
        ("gpasswd", [user, group]) if is_name(user) && is_name(group) => {
            vec![(group.to_string(), user.to_string())]
        }
        ("adduser" | "addgroup", [user, group])
            if groups.is_empty() && is_name(user) && is_name(group) =>
        {
            vec![(group.to_string(), user.to_string())]
        }
        ("usermod" | "useradd" | "adduser", [.., user]) if is_name(user) => {
            groups.into_iter().map(|g| (g, user.to_string())).collect()
        }
        _ => Vec::new(),
    }
}

/// Whether `part` (a slice of `args`) starts after a shell comment of the RUN line: the
/// shell ignores everything from an unquoted ` #` on (`RUN adduser --system nginx #
/// && adduser nginx www-data`).
fn args_commented_before(args: &str, part: &str) -> bool {
    let offset = part.as_ptr() as usize - args.as_ptr() as usize;
    let before = args.get(..offset).unwrap_or(args);
    let (mut single, mut double) = (false, false);
    let bytes = before.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single && !double && (i == 0 || bytes[i - 1].is_ascii_whitespace()) => {
                return true
            }
            _ => {}
        }
    }
    false
}

/// Whether a file name is a Dockerfile's.
pub fn is_dockerfile_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    // `Dockerfile-prod` as well as `Dockerfile.prod` and `prod.Dockerfile`
    // (dwchiang/nginx-php-fpm keeps one `Dockerfile-<variant>` per image).
    n == "dockerfile"
        || n == "containerfile"
        || n.starts_with("dockerfile.")
        || n.starts_with("dockerfile-")
        || n.starts_with("dockerfile_")
        || n.ends_with(".dockerfile")
}

/// One instruction: its 1-based line, name (upper case), arguments, and the bodies of
/// the here-documents it opens (`COPY <<EOF /dest`), by delimiter.
type Instruction = (usize, String, String, Vec<(String, String)>);

/// Splits into instructions, joining `\` continuations, dropping comments, and taking
/// the lines of BuildKit's here-documents (`COPY <<'EOF' /etc/nginx/conf.d/site.conf`
/// ... `EOF`) as the bodies they are, not as instructions.
fn instructions(text: &str) -> Vec<(usize, String, String)> {
    instructions_with_heredocs(text)
        .into_iter()
        .map(|(n, instr, args, _)| (n, instr, args))
        .collect()
}

/// [`instructions`] with each one's here-documents.
fn instructions_with_heredocs(text: &str) -> Vec<Instruction> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let finish = |n: usize, text: String, i: &mut usize, out: &mut Vec<Instruction>| {
        let text = text.trim().to_string();
        let (instr, args) = text.split_once(char::is_whitespace).unwrap_or((&text, ""));
        let mut bodies = Vec::new();
        for (name, strip_tabs) in heredoc_delimiters(args) {
            let mut body = String::new();
            while let Some(line) = lines.get(*i + 1) {
                *i += 1;
                let line = if strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if line.trim_end() == name {
                    break;
                }
                body.push_str(line);
                body.push('\n');
            }
            bodies.push((name, body));
        }
        out.push((
            n,
            instr.to_ascii_uppercase(),
            args.trim().to_string(),
            bodies,
        ));
    };
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        let trimmed = line.trim_start();
        if current.is_none() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            i += 1;
            continue;
        }
        // Inside a continuation Docker drops comment lines and empty lines alike (an empty
        // continuation line is only warned about): qq971876229/ubuntu-16-nginx-php-7.0's
        // one long RUN installs nginx and php7.0-fpm after a blank line and a commented
        // step; ended there, neither was installed.
        if current.is_some() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            i += 1;
            continue;
        }
        let (body, continues) = match line.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (line, false),
        };
        let entry = current.get_or_insert_with(|| (i + 1, String::new()));
        entry.1.push_str(body.trim_start());
        entry.1.push(' ');
        if !continues {
            if let Some((n, text)) = current.take() {
                finish(n, text, &mut i, &mut out);
            }
        }
        i += 1;
    }
    if let Some((n, text)) = current {
        let mut end = lines.len();
        finish(n, text, &mut end, &mut out);
    }
    out
}

/// The here-document delimiters an instruction's arguments open, in order: `<<EOF`,
/// `<<'EOF'`, `<<"EOF"`, and `<<-EOF` (leading tabs stripped from the body).
fn heredoc_delimiters(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(at) = rest.find("<<") {
        rest = &rest[at + 2..];
        let strip_tabs = rest.starts_with('-');
        let word = rest.trim_start_matches('-');
        let word = word.split_whitespace().next().unwrap_or("");
        let name = word.trim_matches(|c| c == '\'' || c == '"');
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push((name.to_string(), strip_tabs));
        }
    }
    out
}

/// A `RUN` whose here-document is its script (`RUN <<EOF`, `RUN <<-EOF bash`, `RUN
/// bash -e <<EOF`) as one command line: the body's lines (continuations joined, comments
/// and the `#!` line dropped) after what the instruction itself says, joined by `;`. A
/// here-document fed to another program (`RUN cat <<EOF > /etc/x.conf`, `RUN python3
/// <<EOF`) is that program's input, not a script: the arguments are kept as they are.
///
/// ```
/// use deployment::dockerfile::with_heredoc_script;
/// let body = vec![("EOF".to_string(), "#!/bin/sh\nset -e\napt-get install -y \\\n  nginx php8.2-fpm\n# done\n".to_string())];
/// assert_eq!(with_heredoc_script("<<EOF", &body), "set -e ; apt-get install -y nginx php8.2-fpm");
/// assert_eq!(with_heredoc_script("bash -ex <<-EOF", &body), "bash -ex ; set -e ; apt-get install -y nginx php8.2-fpm");
/// assert_eq!(with_heredoc_script("cat <<EOF > /etc/a.conf", &body), "cat <<EOF > /etc/a.conf");
/// ```
pub fn with_heredoc_script(args: &str, heredocs: &[(String, String)]) -> String {
    let Some((_, body)) = heredocs.first() else {
        return args.to_string();
    };
    let Some(at) = args.find("<<") else {
        return args.to_string();
    };
    let before = args[..at].trim();
    let after = args[at..]
        .split_once(char::is_whitespace)
        .map_or("", |(_, rest)| rest)
        .trim();
    let shell = |w: &str| {
        matches!(
            w.rsplit('/').next().unwrap_or(w),
            "sh" | "bash" | "ash" | "dash" | "zsh"
        )
    };
    let runs_script = match before.split_whitespace().next() {
        None => after.is_empty() || after.split_whitespace().next().is_some_and(shell),
        Some(first) => shell(first) && after.is_empty(),
    };
    if !runs_script {
        return args.to_string();
    }
    let mut commands: Vec<String> = Vec::new();
    let mut pending = String::new();
    for line in body.lines() {
        let trimmed = line.trim();
        if pending.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                pending.push_str(part.trim());
                pending.push(' ');
            }
            None => {
                pending.push_str(trimmed);
                commands.push(std::mem::take(&mut pending).trim().to_string());
            }
        }
    }
    if !pending.trim().is_empty() {
        commands.push(pending.trim().to_string());
    }
    let head = [before, after]
        .iter()
        .filter(|w| !w.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    std::iter::once(head)
        .filter(|h| !h.is_empty())
        .chain(commands)
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// Directories the commands of one `RUN` may write files into: the absolute paths a
/// command that makes files names (`git clone`, `composer create-project`, `curl -o`,
/// `tar -C`, `unzip -d`, `cp`, `mv`, `rsync`, an output redirection, `npm`/`yarn` or
/// `touch` with an absolute path), and its working directory (the WORKDIR, or where `cd`
/// went) when one of its operands is relative (`git clone URL .`). Package installs are
/// not counted (they write the package's own files, which the image's stock sets
/// describe), nor is `mkdir` (an empty directory holds no script) or `composer install`
/// (vendor/, beside the document root).
///
/// ```
/// use deployment::dockerfile::run_written_dirs;
/// use std::path::{Path, PathBuf};
/// let dirs = |run: &str| run_written_dirs(run, Path::new("/var/www"));
/// assert_eq!(dirs("apk add git && git clone --depth 1 https://x/app.git ."), [PathBuf::from("/var/www")]);
/// // An empty directory, vendor/ beside the sources: no document root filled.
/// assert!(dirs("mkdir -p /var/www/public && chown -R www-data /var/www").is_empty());
/// assert!(dirs("composer install --no-dev && npm ci").is_empty());
/// assert_eq!(dirs("composer create-project laravel/laravel /srv/app"), [PathBuf::from("/srv/app")]);
/// assert_eq!(dirs("cd /srv && curl -fsSL https://x/a.tgz | tar -xz"), [PathBuf::from("/srv")]);
/// assert!(dirs("apt-get install -y nginx && rm -rf /var/lib/apt/lists/*").is_empty());
/// ```
pub fn run_written_dirs(args: &str, workdir: &Path) -> Vec<PathBuf> {
    // Commands that fill a directory with files. `mkdir` makes it empty (no script is
    // there: X025 stands), `composer install` and `npm install` write vendor/ and
    // node_modules/ beside the sources, not the document root: those count only for an
    // absolute path they name.
    const WRITERS: &[&str] = &[
        "git", "composer", "curl", "wget", "tar", "bsdtar", "unzip", "cp", "mv", "rsync", "svn",
        "hg",
    ];
    const ABSOLUTE_ONLY: &[&str] = &["npm", "yarn", "pnpm", "touch"];
    let mut out: Vec<PathBuf> = Vec::new();
    let mut cwd = workdir.to_path_buf();
    let push = |out: &mut Vec<PathBuf>, p: PathBuf| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    for part in args.split(['&', ';', '|']) {
        let words: Vec<&str> = part
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\'' || c == '(' || c == ')'))
            .filter(|w| !w.is_empty())
            .collect();
        // Leading `VAR=value` assignments and `sudo`/`env` do not name the command.
        let start = words
            .iter()
            .position(|w| {
                !w.contains('=') && !matches!(*w, "sudo" | "env" | "exec" | "then" | "do")
            })
            .unwrap_or(words.len());
        let Some(command) = words.get(start) else {
            continue;
        };
        let command = command.rsplit('/').next().unwrap_or(command);
        let operands = &words[start + 1..];
        if command == "cd" {
            if let Some(dir) = operands.first().filter(|d| !d.starts_with('-')) {
                cwd = lint_source::vfs::normalize(&cwd.join(dir));
            }
            continue;
        }
        let redirects = part.contains('>');
        let absolute_only = ABSOLUTE_ONLY.contains(&command);
        let writes = redirects
            || absolute_only
            || (WRITERS.contains(&command)
                && (command != "git" || operands.contains(&"clone"))
                && (command != "composer" || operands.contains(&"create-project")));
        if !writes {
            continue;
        }
        let mut relative = false;
        let mut absolute = false;
        // After `git clone` the URL and the folder; after `composer create-project` the
        // package, then the folder.
        let (sub, skip) = match command {
            "git" => (Some("clone"), 1),
            "composer" => (Some("create-project"), 2),
            _ => (None, 0),
        };
        for w in operands
            .iter()
            .skip_while(|w| sub.is_some_and(|s| **w != s))
            .skip(skip)
        {
            let w = w.trim_start_matches('>');
            let value = w.split_once('=').map_or(w, |(_, v)| v);
            if value.starts_with('/') {
                absolute = true;
                let p = lint_source::vfs::normalize(Path::new(value));
                // `/dev/null`, `/tmp/x.tgz`: nothing of a site.
                if !p.starts_with("/dev") && !p.starts_with("/proc") {
                    push(&mut out, p);
                }
            } else if !w.starts_with('-')
                && !w.contains("://")
                && !w.contains('@')
                && !w.contains('$')
            {
                relative = true;
            }
        }
        // `git clone URL` (into a folder named after the repository), `npm install`,
        // `tar -xz` from a pipe: the working directory receives files.
        if (relative || !absolute) && !absolute_only && !redirects && cwd != Path::new("/") {
            push(&mut out, cwd.clone());
        }
    }
    out
}

fn substitute(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut unset = Vec::new();
    crate::compose::interpolate(text, vars, &mut unset)
}

/// The links `ln -s TARGET LINK` commands of a `RUN` make (ddev's `ln -sf
/// /run/php/php-fpm.sock /run/php-fpm.sock`), as (link, target), relative paths read
/// from the WORKDIR and a relative target from the link's folder. Only the two-operand
/// form: `ln -s A B C DIR/` puts links in a directory whose contents are not tracked.
pub(crate) fn symlinks_made(run: &str, workdir: &Path) -> Vec<(PathBuf, PathBuf)> {
    links_made(run, workdir).0
}

/// Two paths: (link, target) or (pattern, folder).
type PathPair = (PathBuf, PathBuf);

/// The links of [`symlinks_made`], and the globbed ones: `ln -s
/// /etc/nginx/sites-available/* /etc/nginx/sites-enabled/` (chrispage1/alpine-nginx-php-fpm
/// enables its sites so) as (pattern, folder the links go in), absolute. The shell expands
/// the pattern over the files there when the RUN runs; the caller knows them.
pub(crate) fn links_made(run: &str, workdir: &Path) -> (Vec<PathPair>, Vec<PathPair>) {
    let words = crate::supervisord::words(run);
    let mut out = Vec::new();
    let mut globbed = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if w != "ln" {
            continue;
        }
        let mut symbolic = false;
        let mut operands = Vec::new();
        // `ln -s -t DIR TARGET` (GNU's target-directory form): the link is in DIR.
        let mut target_dir: Option<String> = None;
        let mut dir_next = false;
        for arg in &words[i + 1..] {
            if dir_next {
                target_dir = Some(arg.clone());
                dir_next = false;
                continue;
            }
            if matches!(arg.as_str(), "&&" | "||" | ";" | "|" | "&") || arg.ends_with(';') {
                if let Some(last) = arg.strip_suffix(';').filter(|a| !a.is_empty()) {
                    operands.push(last.to_string());
                }
                break;
            }
            if let Some(dir) = arg.strip_prefix("--target-directory=") {
                target_dir = Some(dir.to_string());
                continue;
            }
            if let Some(flags) = arg.strip_prefix('-') {
                symbolic |=
                    flags == "-symbolic" || (!flags.starts_with('-') && flags.contains('s'));
                // `-t DIR` (alone or ending a group: `-st DIR`).
                dir_next = !flags.starts_with('-') && flags.ends_with('t');
                continue;
            }
            operands.push(arg.clone());
        }
        // A command substitution is not a path this can follow.
        if operands
            .iter()
            .chain(&target_dir)
            .any(|o| o.contains("$(") || o.contains('`'))
        {
            continue;
        }
        if let (Some(dir), [target]) = (&target_dir, operands.as_slice()) {
            operands = vec![target.clone(), format!("{}/", dir.trim_end_matches('/'))];
        }
        // `ln -s /etc/nginx/sites-available/* /etc/nginx/sites-enabled/`: the shell expands
        // the glob into several links, which this does not follow.
        if let (true, [target, link]) = (symbolic, operands.as_slice()) {
            if lint_source::vfs::has_glob(target) || lint_source::vfs::has_glob(link) {
                // Only a pattern of file names in one folder, into a folder.
                let pattern = lint_source::vfs::normalize(&workdir.join(target));
                let plain_folder = pattern
                    .parent()
                    .is_some_and(|p| !lint_source::vfs::has_glob(&p.to_string_lossy()));
                let into_folder = link.ends_with('/')
                    || Path::new(link).file_name().is_some_and(|n| {
                        matches!(
                            n.to_str(),
                            Some("sites-enabled" | "conf.d" | "http.d" | "php-fpm.d" | "pool.d")
                        )
                    });
                if plain_folder && into_folder && !lint_source::vfs::has_glob(link) {
                    globbed.push((pattern, lint_source::vfs::normalize(&workdir.join(link))));
                }
                continue;
            }
            // `ln -s /etc/nginx/sites-available/app.conf /etc/nginx/sites-enabled/`: a link
            // of the target's name inside that folder (a trailing slash, or a folder whose
            // files nginx or php-fpm include, which is never itself a link).
            let into_dir = link.ends_with('/')
                || Path::new(link).file_name().is_some_and(|n| {
                    matches!(
                        n.to_str(),
                        Some("sites-enabled" | "conf.d" | "http.d" | "php-fpm.d" | "pool.d")
                    )
                });
            let link = if into_dir {
                Path::new(link)
                    .join(Path::new(target).file_name().unwrap_or_default())
                    .to_string_lossy()
                    .into_owned()
            } else {
                link.clone()
            };
            let link = lint_source::vfs::normalize(&workdir.join(link));
            let target = match link.parent() {
                Some(dir) if !target.starts_with('/') => {
                    lint_source::vfs::normalize(&dir.join(target))
                }
                _ => PathBuf::from(target),
            };
            out.push((link, target));
        }
    }
    (out, globbed)
}

/// The repository file at `src` (absolute, or from `/`) in a stage, when one of
/// the stage's own `COPY`s of the build context put it there and no `RUN` of the stage
/// edits it: the latest such copy wins.
fn traced_in_stage(stage: &Dockerfile, src: &str) -> Option<PathBuf> {
    if lint_source::vfs::has_glob(src) || src.contains('$') {
        return None;
    }
    let path = lint_source::vfs::normalize(&Path::new("/").join(src));
    if stage
        .build_edits
        .iter()
        .any(|e| e.path.starts_with(&path) || path.starts_with(&e.path))
        || stage
            .edited
            .iter()
            .any(|(_, p)| Path::new(p).starts_with(&path) || path.starts_with(p))
    {
        return None;
    }
    stage.copies.iter().rev().find_map(|c| {
        if c.content.is_some() {
            return None;
        }
        let host = if c.host.is_dir() {
            c.host.join(path.strip_prefix(&c.target).ok()?)
        } else {
            let at = if c.into_dir {
                c.target.join(c.host.file_name()?)
            } else {
                c.target.clone()
            };
            (at == path).then(|| c.host.clone())?
        };
        // A file only: a folder (`/app/public`) may hold what the stage's RUN built there.
        host.is_file().then_some(host)
    })
}

/// A named stage as it ends: what a later `FROM <stage>` starts from.
#[derive(Clone)]
struct StageState {
    df: Dockerfile,
    workdir: PathBuf,
    entrypoint: Vec<String>,
    cmd: Vec<String>,
}

/// The `--flag[=value]` words that open an instruction's arguments, and the rest
/// (trimmed).
fn leading_flags(args: &str) -> (Vec<String>, &str) {
    let mut flags = Vec::new();
    let mut rest = args.trim_start();
    while rest.starts_with("--") {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        flags.push(rest[..end].to_string());
        rest = rest[end..].trim_start();
    }
    (flags, rest)
}

/// Words of an exec-form (`["a", "b"]`) or shell-form argument.
fn command_words(args: &str) -> Vec<String> {
    let t = args.trim();
    if t.starts_with('[') {
        if let Ok(yaml_rust2::Yaml::Array(a)) =
            crate::bounded_yaml::load(t).map(|mut d| d.pop().unwrap_or(yaml_rust2::Yaml::Null))
        {
            return a.iter().filter_map(crate::compose::scalar).collect();
        }
    }
    // The shell form, split as the shell it runs in would (quotes group).
    crate::supervisord::words(t)
}

/// The named stages of a Dockerfile that no later stage builds on (`FROM <stage>`) nor
/// copies whole (`COPY --from=<stage> / /`), in order, the last stage left out: images a
/// `docker build --target <stage>` makes, such as the php-fpm stage beside a final
/// nginx stage that copies its public files.
pub fn other_targets(text: &str) -> Vec<String> {
    let mut named: Vec<String> = Vec::new();
    let mut based_on: Vec<String> = Vec::new();
    let mut stages = 0usize;
    for (_, instr, args) in instructions(text) {
        match instr.as_str() {
            "FROM" => {
                stages += 1;
                let words: Vec<&str> = args
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                if let Some(image) = words.first() {
                    based_on.push(image.to_ascii_lowercase());
                }
                match words.as_slice() {
                    [_, as_, name, ..] if as_.eq_ignore_ascii_case("as") => {
                        named.push(name.to_ascii_lowercase())
                    }
                    // An unnamed stage cannot be a target.
                    _ => named.push(String::new()),
                }
            }
            "COPY" => {
                let words: Vec<&str> = args.split_whitespace().collect();
                let from = words.iter().find_map(|w| w.strip_prefix("--from="));
                let rest: Vec<&&str> = words.iter().filter(|w| !w.starts_with("--")).collect();
                if let (Some(from), [src, dest]) = (from, rest.as_slice()) {
                    if **src == "/" && **dest == "/" {
                        based_on.push(from.to_ascii_lowercase());
                    }
                }
            }
            _ => {}
        }
    }
    named
        .into_iter()
        .take(stages.saturating_sub(1))
        .filter(|n| !n.is_empty() && !based_on.contains(n))
        .collect()
}

/// Parses a Dockerfile whose build context is `context`.
pub fn parse(
    path: &Path,
    text: &str,
    context: &Path,
    build_args: &BTreeMap<String, String>,
) -> Dockerfile {
    parse_target(path, text, context, build_args, None)
}

/// Parses a Dockerfile up to the stage `target` (Compose's `build.target`), or to its end.
pub fn parse_target(
    path: &Path,
    text: &str,
    context: &Path,
    build_args: &BTreeMap<String, String>,
    target: Option<&str>,
) -> Dockerfile {
    let mut df = Dockerfile {
        path: path.to_path_buf(),
        ..Dockerfile::default()
    };
    let mut global_args: BTreeMap<String, String> = build_args.clone();
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    // Build arguments declared without a value that nothing here gives (`ARG APP_URL`,
    // filled by `docker build --build-arg APP_URL=…` on a command line): empty for paths,
    // as a bare `docker build` has them, but not known to the shell of a RUN.
    let mut unset_args: BTreeSet<String> = BTreeSet::new();
    let mut stages: BTreeMap<String, String> = BTreeMap::new();
    let mut workdir = PathBuf::from("/");
    let mut seen_from = false;
    let mut current_stage: Option<String> = None;
    // What each named stage ends with, for the stages built on it.
    let mut stage_states: BTreeMap<String, StageState> = BTreeMap::new();
    let mut entrypoint: Vec<String> = Vec::new();
    let mut cmd: Vec<String> = Vec::new();
    // Modules of an nginx compiled in any stage (see `Dockerfile::nginx_modules`), and
    // those whose sources are fetched by URL (`git clone .../headers-more-nginx-module
    // /build/hm`: the folder `--add-module=` names may not say which).
    let mut built_modules: Vec<String> = Vec::new();
    // The first Debian-style versioned php package an install names (`php8.2`,
    // `php8.2-mysql`): the version an unversioned `php-fpm` beside it is, when the
    // sources are Ondřej Surý's (atlaswebdev89/nginx-php-fpm-docker: Debian 10, whose own
    // php is 7.3, with `apt install php8.2 ...` then `apt install php-fpm`, started as
    // `php-fpm8.2`).
    let mut versioned_php_package: Option<String> = None;
    let mut fetched_modules: Vec<&'static str> = Vec::new();
    let mut adds_modules = false;
    // BuildKit skips a byte-order mark; the first instruction is behind it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (line, instr, args, heredocs) in instructions_with_heredocs(text) {
        match instr.as_str() {
            "ARG" => {
                let (k, v) = args.split_once('=').unwrap_or((&args, ""));
                let k = k.trim().to_string();
                if seen_from {
                    // A build argument (Compose `build.args`) wins over the ARG's default.
                    let v = if let Some(given) = build_args.get(&k) {
                        given.clone()
                    } else if v.is_empty() {
                        match global_args.get(&k) {
                            Some(g) => g.clone(),
                            None => {
                                if !vars.contains_key(&k) {
                                    unset_args.insert(k.clone());
                                }
                                String::new()
                            }
                        }
                    } else {
                        substitute(unquote(v), &vars)
                    };
                    vars.entry(k).or_insert(v);
                } else if !v.is_empty() {
                    global_args
                        .entry(k)
                        .or_insert_with(|| unquote(v).to_string());
                }
            }
            "ENV" => {
                let pairs = env_pairs(&args);
                for (k, v) in pairs {
                    let v = substitute(&v, &vars);
                    unset_args.remove(&k);
                    vars.insert(k.clone(), v.clone());
                    df.env.insert(k, v);
                }
            }
            "FROM" => {
                if let (Some(t), Some(current)) = (target, &current_stage) {
                    if current.eq_ignore_ascii_case(t) {
                        break;
                    }
                }
                seen_from = true;
                let words: Vec<&str> = args
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let image = substitute(words.first().copied().unwrap_or(""), &global_args);
                let base = stages
                    .get(&image.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or(image.clone());
                // The stage that ends here is what a later `FROM <stage>` starts from: its
                // files, packages, ENV, WORKDIR, USER and command.
                if let Some(current) = &current_stage {
                    stage_states.insert(
                        current.to_ascii_lowercase(),
                        StageState {
                            df: df.clone(),
                            workdir: workdir.clone(),
                            entrypoint: entrypoint.clone(),
                            cmd: cmd.clone(),
                        },
                    );
                }
                let inherited = stage_states.get(&image.to_ascii_lowercase()).cloned();
                current_stage = None;
                if words.len() >= 3 && words[1].eq_ignore_ascii_case("as") {
                    stages.insert(words[2].to_ascii_lowercase(), base.clone());
                    current_stage = Some(words[2].to_string());
                }
                // ARGs are the stage's own; ENV is inherited with the rest.
                vars.clear();
                unset_args.clear();
                match inherited {
                    // A stage built on an earlier one has what that one installed,
                    // copied and set (Lychee's `FROM base` after `FROM debian AS base` +
                    // `apt-get install php8.4-fpm`; `WORKDIR` then `COPY x .` later).
                    Some(state) => {
                        let path = std::mem::take(&mut df.path);
                        df = state.df;
                        df.path = path;
                        workdir = state.workdir;
                        entrypoint = state.entrypoint;
                        cmd = state.cmd;
                        for (k, v) in crate::stock::image_env(&base) {
                            vars.insert(k.to_string(), v.to_string());
                        }
                        vars.extend(df.env.clone());
                    }
                    None => {
                        let path = std::mem::take(&mut df.path);
                        df = Dockerfile {
                            path,
                            ..Dockerfile::default()
                        };
                        // What the base image's Dockerfile set is there too.
                        for (k, v) in crate::stock::image_env(&base) {
                            vars.insert(k.to_string(), v.to_string());
                        }
                        workdir = PathBuf::from("/");
                        entrypoint.clear();
                        cmd.clear();
                    }
                }
                // Docker sets HOME for the build's root user when the image does not
                // (linuxserver's `rm -rf $HOME/.cache` is /root/.cache, not /.cache).
                vars.entry("HOME".to_string())
                    .or_insert_with(|| "/root".to_string());
                df.base = Some(base);
            }
            "USER" => {
                let u = substitute(args.split(':').next().unwrap_or(&args), &vars);
                df.user = Some(u.trim().to_string());
            }
            "WORKDIR" => {
                let w = substitute(&args, &vars);
                workdir = lint_source::vfs::normalize(&workdir.join(w));
            }
            "COPY" | "ADD" => {
                let mut words: Vec<String> = Vec::new();
                let mut from_other: Option<String> = None;
                // Shell form: words as BuildKit's shell lexer reads them, quotes removed
                // (`ADD www.conf "/usr/local/etc/php-fpm.d/www.conf"` was placed at
                // `/"/usr/…"`, and the image's stock pool linted instead).
                // Flags come before either form: `COPY --chown=a:b ["src/", "/dest/"]`
                // (zabbix's `COPY --from=builder [...]` kept the `]` in its destination).
                let (flags, rest) = leading_flags(&args);
                let parsed = if rest.starts_with('[') {
                    flags.into_iter().chain(command_words(rest)).collect()
                } else {
                    crate::supervisord::words(&args)
                };
                for w in parsed {
                    if let Some(flag) = w.strip_prefix("--") {
                        if let Some(from) = flag.strip_prefix("from=") {
                            from_other = Some(substitute(from, &vars));
                        }
                        continue;
                    }
                    words.push(substitute(&w, &vars));
                }
                if words.len() < 2 {
                    continue;
                }
                let Some(dest) = words.pop() else { continue };
                let dest_path = if dest.starts_with('/') {
                    PathBuf::from(&dest)
                } else {
                    workdir.join(&dest)
                };
                // `.` (the WORKDIR, which WORKDIR creates) and `/` are directories that
                // exist: `COPY composer.json .` lands inside them, never over them.
                let existing_dir = dest_path == workdir
                    || dest == "."
                    || dest.ends_with("/.")
                    || lint_source::vfs::normalize(&dest_path) == Path::new("/");
                // `FROM scratch` + `COPY --from=<stage> / /` (ddev-webserver's last stage):
                // the image is that stage's files, packages and links; its ENV, USER,
                // WORKDIR and command are not copied.
                let whole_stage = from_other
                    .as_ref()
                    .and_then(|from| stage_states.get(&from.to_ascii_lowercase()))
                    .filter(|_| {
                        df.base.as_deref() == Some("scratch")
                            && df.copies.is_empty()
                            && words.as_slice() == ["/"]
                            && lint_source::vfs::normalize(&dest_path) == Path::new("/")
                    })
                    .cloned();
                if let Some(state) = whole_stage {
                    let path = std::mem::take(&mut df.path);
                    df = Dockerfile {
                        path,
                        user: None,
                        env: BTreeMap::new(),
                        ..state.df
                    };
                    continue;
                }
                // `COPY --from=<stage> /app/nginx.conf …` of a file that stage copied from
                // the build context (a composer or node stage's `COPY . .`): the
                // repository's file (backflip/kirby-docker's site; it was a loose file, read
                // without the image that runs it). Not when that stage's RUN edits it.
                let traced = from_other.as_ref().and_then(|from| {
                    let state = stage_states.get(&from.to_ascii_lowercase())?;
                    words
                        .iter()
                        .map(|src| traced_in_stage(&state.df, src))
                        .collect::<Option<Vec<PathBuf>>>()
                });
                if let Some(hosts) = traced {
                    let several = hosts.len() > 1;
                    for host in hosts {
                        df.copies.push(Copy {
                            into_dir: dest.ends_with('/')
                                || existing_dir
                                || several
                                || host.is_dir(),
                            host,
                            target: lint_source::vfs::normalize(&dest_path),
                            line,
                            content: None,
                            names_dir: false,
                        });
                    }
                    continue;
                }
                if let Some(from) = from_other {
                    // A stage that set up nginx.org's package repository hands it on with
                    // its apt or apk sources (serversideup's `nginx-repo-config` stage,
                    // `COPY --from=nginx-repo-config /etc/apt/sources.list.d/nginx.list`).
                    let sources =
                        dest_path.starts_with("/etc/apt") || dest_path.starts_with("/etc/apk");
                    if sources
                        && stage_states
                            .get(&from.to_ascii_lowercase())
                            .is_some_and(|s| s.df.nginx_org_packages)
                    {
                        df.nginx_org_packages = true;
                    }
                    // What lands comes from that image: unknown here, and not "nothing".
                    // A directory's *contents* land in the destination (`WORKDIR /web` +
                    // `COPY --from=img /src .` fills /web, not /web/src); a file keeps its
                    // name. What the other image holds is unknown: a last component
                    // without an extension is taken for a directory.
                    let directory = |src: &str| {
                        let trimmed = src.trim_end_matches('/');
                        src.ends_with('/')
                            || trimmed.is_empty()
                            || trimmed == "."
                            || !Path::new(trimmed)
                                .file_name()
                                .is_some_and(|n| n.to_string_lossy().contains('.'))
                    };
                    let target = match words.as_slice() {
                        [_] if !dest.ends_with('/') && !existing_dir => dest_path,
                        [one, ..] if directory(one) => dest_path,
                        [one, ..] => dest_path.join(
                            Path::new(one.trim_end_matches('/'))
                                .file_name()
                                .unwrap_or_default(),
                        ),
                        [] => dest_path,
                    };
                    // The nginx a builder stage compiled, copied in whole (its prefix,
                    // its conf folder or its binary): the build's layout is this image's.
                    let target = lint_source::vfs::normalize(&target);
                    if let Some(build) = stage_states
                        .get(&from.to_ascii_lowercase())
                        .and_then(|state| state.df.nginx_build.as_ref())
                    {
                        if build.prefix.starts_with(&target)
                            || build.conf_dir().starts_with(&target)
                            || target.starts_with(&build.sbin_path)
                            || build.sbin_path.starts_with(&target)
                        {
                            df.nginx_build = Some(build.clone());
                        }
                    }
                    df.copied_from_images
                        .push((target, line, from, df.copies.len()));
                    continue;
                }
                let several = words.len() > 1;
                for src in words {
                    if src.contains("://") {
                        continue;
                    }
                    // A here-document: its body is the file (`COPY <<'EOF' /dest`).
                    if let Some(opened) = src.strip_prefix("<<") {
                        let name = opened
                            .trim_start_matches('-')
                            .trim_matches(|c| c == '\'' || c == '"');
                        if let Some((_, body)) = heredocs.iter().find(|(n, _)| n == name) {
                            df.copies.push(Copy {
                                host: df.path.clone(),
                                target: lint_source::vfs::normalize(&dest_path),
                                into_dir: dest.ends_with('/') || existing_dir,
                                names_dir: false,
                                line,
                                content: Some(Arc::from(body.as_str())),
                            });
                        }
                        continue;
                    }
                    // A source never leaves the context: Docker reads `../entrypoint.sh`
                    // as `entrypoint.sh` at the context's top (nullstone-io/docker-laravel's
                    // `COPY ../entrypoint.sh .` beside `COPY php8.0/etc/ /etc/`).
                    let inside = lint_source::vfs::normalize(&Path::new("/").join(&src));
                    let host = context.join(inside.strip_prefix("/").unwrap_or(&inside));
                    let into_dir = dest.ends_with('/')
                        || existing_dir
                        || several
                        || host.is_dir()
                        || src.contains('*');
                    let hosts: Vec<PathBuf> = if lint_source::vfs::has_glob(&src) {
                        let pattern = host.to_string_lossy().into_owned();
                        glob::glob(&pattern)
                            .map(|g| g.filter_map(Result::ok).collect())
                            .unwrap_or_default()
                    } else {
                        vec![host]
                    };
                    for host in hosts {
                        df.copies.push(Copy {
                            host,
                            target: lint_source::vfs::normalize(&dest_path),
                            into_dir,
                            line,
                            content: None,
                            names_dir: src.ends_with('/'),
                        });
                    }
                }
            }
            "RUN" => {
                // `RUN <<EOF` ... `EOF`: the here-document is the script the shell runs.
                let args = with_heredoc_script(&args, &heredocs);
                // backflip/kirby-docker: `sed -i 's~${APP_URL}~'"${APP_URL}"'~g'` with
                // `ARG APP_URL` given by its CI's `--build-arg`: the replacement is not
                // known (read as empty, `fastcgi_param APP_URL ;` was a false NGX012).
                let known: BTreeMap<String, String> = if unset_args.is_empty() {
                    vars.clone()
                } else {
                    vars.iter()
                        .filter(|(k, _)| !unset_args.contains(*k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                };
                let edits = crate::build_edits::parse_run(&args, &known, &workdir, line);
                df.build_edits.extend(edits.edits);
                df.edited.extend(
                    edits
                        .unmodelled
                        .iter()
                        .map(|p| (line, p.to_string_lossy().into_owned())),
                );
                // The shell sees the stage's ENV and ARG values (`sed -i ... ${fpm_conf}`).
                let args = substitute(&args, &vars);
                // The RUN starts in the WORKDIR (`WORKDIR /usr/src/nginx-1.26.3`), which
                // tells nginx's sources and release as a `cd` would.
                let run_words: Vec<String> = [
                    "cd".to_string(),
                    workdir.display().to_string(),
                    "&&".to_string(),
                ]
                .into_iter()
                .chain(args.split_whitespace().map(str::to_string))
                .collect();
                if let Some(build) = crate::nginx_build::configure(&run_words) {
                    df.nginx_build = Some(build);
                }
                for word in args.split_whitespace() {
                    if word.contains("://") {
                        fetched_modules
                            .extend(nginx_conf_parser::check::third_party_module_of(word));
                    }
                    let source = word
                        .strip_prefix("--add-module=")
                        .or_else(|| word.strip_prefix("--add-dynamic-module="));
                    adds_modules |= source.is_some();
                    if let Some(module) =
                        source.and_then(nginx_conf_parser::check::third_party_module_of)
                    {
                        if !built_modules.iter().any(|m| m == module) {
                            built_modules.push(module.to_string());
                        }
                    }
                }
                let lower = args.to_ascii_lowercase();
                let (links, globbed) = links_made(&args, &workdir);
                df.symlinks.extend(links);
                df.glob_symlinks.extend(globbed);
                for dir in run_written_dirs(&args, &workdir) {
                    if !df.run_written.contains(&dir) {
                        df.run_written.push(dir);
                    }
                }
                if lower.contains("apt-get") || lower.contains("apt ") {
                    df.package_manager = Some("apt");
                }
                if lower.contains("apk ") {
                    df.package_manager = Some("apk");
                }
                if ["yum ", "dnf ", "microdnf ", "zypper "]
                    .iter()
                    .any(|m| lower.contains(m))
                {
                    df.package_manager = Some("rpm");
                }
                if lower.contains("nginx.org/packages") {
                    df.nginx_org_packages = true;
                }
                let installs =
                    lower.contains("install") || (lower.contains("apk") && lower.contains(" add "));
                if installs {
                    for w in lower.split(|c: char| c.is_whitespace() || c == '\\') {
                        // `nginx=1.22*`, `php8.2-fpm=8.2.*`: a version pin names the package;
                        // apk's constraints too (`nginx~=1`, `php83-fpm>8.3`, `nginx<1.27`:
                        // hadolint's DL3018 asks for them).
                        // Only `=` and `~` (fuzzy) name the version installed; a range
                        // leaves the distribution's.
                        let (w, pin) = match w.find(['=', '~', '<', '>']) {
                            Some(at) if w[at..].starts_with(['<', '>']) => (&w[..at], ""),
                            Some(at) => (&w[..at], w[at..].trim_start_matches(['=', '~'])),
                            None => (w, ""),
                        };
                        if w == "nginx" && !pin.is_empty() {
                            // nginx.org's packages are versioned `1.28.0-1~bookworm`
                            // (Debian's own `1.22.1-9+deb12u1`, sury's `+deb.sury.org`).
                            let (_, revision) = pin.split_once('-').unwrap_or((pin, ""));
                            if revision.split_once('~').is_some_and(|(n, codename)| {
                                n.bytes().all(|b| b.is_ascii_digit())
                                    && !codename.is_empty()
                                    && codename.bytes().all(|b| b.is_ascii_lowercase())
                            }) {
                                df.nginx_org_packages = true;
                            }
                            df.nginx_pin = Some(pin.to_string());
                        }
                        if w == "nginx"
                            || w == "nginx-full"
                            || w == "nginx-light"
                            || w == "nginx-extras"
                        {
                            df.installs_nginx = true;
                        }
                        // A dynamic module's package (Debian's `libnginx-mod-http-cache-purge`,
                        // Alpine's `nginx-mod-http-brotli`) depends on the distribution's
                        // nginx, which it pulls in, and loads its module through
                        // `modules-enabled/` (Debian) or `modules/` (Alpine) (sureddy1's
                        // WordPress image: `fastcgi_cache_purge` was an unknown directive,
                        // and `fastcgi.conf`, `mime.types` files nothing provided).
                        if w.starts_with("libnginx-mod-") || w.starts_with("nginx-mod-") {
                            df.installs_nginx = true;
                            if let Some(module) = nginx_conf_parser::check::third_party_module_of(w)
                            {
                                if !built_modules.iter().any(|m| m == module) {
                                    built_modules.push(module.to_string());
                                }
                            }
                        }
                        // Alpine's `php85-dom`, `php85-gd`: the php the image runs is 8.5
                        // even when php-fpm itself comes with the base image (linuxserver's
                        // baseimage-alpine-nginx, whose own php is older).
                        if let Some(rest) = w.strip_prefix("php") {
                            let digits: String =
                                rest.chars().take_while(char::is_ascii_digit).collect();
                            if digits.len() == 2
                                && rest[digits.len()..].starts_with('-')
                                && df.php_suffix.is_empty()
                            {
                                df.php_suffix = digits;
                            }
                        }
                        if let Some(rest) = w.strip_prefix("php") {
                            let version = rest.split('-').next().unwrap_or(rest);
                            if versioned_php_package.is_none()
                                && version.contains('.')
                                && is_php_version(version)
                            {
                                versioned_php_package = Some(version.to_string());
                            }
                        }
                        if w.starts_with("php") && w.ends_with("-fpm") {
                            df.installs_fpm = true;
                            let suffix: String =
                                w[3..].chars().take_while(char::is_ascii_digit).collect();
                            if !suffix.is_empty() {
                                df.php_suffix = suffix;
                            }
                            let version = &w[3..w.len() - "-fpm".len()];
                            if is_php_version(version) || version == "5" {
                                df.php_version = version.to_string();
                            }
                        }
                    }
                }
                // `rm [-f] /etc/nginx/conf.d/default.conf`: the stock file is gone.
                // A folder moved aside and back in the same RUN (`mv /etc/nginx
                // /etc/nginx_bak; …; rm -Rf /etc/nginx; mv /etc/nginx_bak /etc/nginx`:
                // aogg/docker-php-nginx keeps its nginx files across an OpenResty install)
                // is still there: the `rm` between removed a folder the package made.
                let removed_before = df.removed.len();
                let mut moved_aside: Vec<(String, String)> = Vec::new();
                for part in args.split(['&', ';', '|']) {
                    let words_here: Vec<&str> = part.split_whitespace().collect();
                    if let ["mv", from, to] = words_here.as_slice() {
                        let (a, b) = (from.trim_end_matches('/'), to.trim_end_matches('/'));
                        if a.starts_with('/') && b.starts_with('/') {
                            if moved_aside
                                .iter()
                                .any(|(orig, aside)| orig == b && aside == a)
                            {
                                let restored = Path::new(b);
                                let mut kept = df.removed.split_off(removed_before);
                                kept.retain(|p| !p.starts_with(restored));
                                df.removed.extend(kept);
                            } else {
                                moved_aside.push((a.to_string(), b.to_string()));
                            }
                        }
                    }
                    if let ["mv", from, to] = words_here.as_slice() {
                        let from = from.trim_end_matches('/');
                        let is_php_tree = from.strip_prefix("/etc/php").is_some_and(|v| {
                            !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())
                        });
                        if is_php_tree && to.starts_with('/') {
                            df.php_dir_moved_to = Some(PathBuf::from(to.trim_end_matches('/')));
                        }
                    }
                    if words_here.first() == Some(&"touch") && !args_commented_before(&args, part) {
                        for w in &words_here[1..] {
                            let config = w.starts_with("/etc/") || w.starts_with("/usr/local/etc/");
                            if config && !w.contains(['$', '`', '*', '?', '[', '{']) {
                                let path = lint_source::vfs::normalize(Path::new(w));
                                if !df.touched.contains(&path) {
                                    df.touched.push(path);
                                }
                            }
                        }
                    }
                    // A shell comment (` # ...`) runs to the end of the joined RUN line.
                    if !args_commented_before(&args, part) {
                        df.group_members.extend(group_membership(&words_here));
                        df.adds_accounts |= part.split_whitespace().any(|w| {
                            matches!(
                                w.rsplit('/').next().unwrap_or(w),
                                "adduser" | "useradd" | "addgroup" | "groupadd"
                            )
                        });
                    }
                    // A command in a subshell, a brace group or a branch (`(if [ -d
                    // /etc/php*/php-fpm.d/ ]; then rm -v /etc/php*/php-fpm.d/*; fi)`:
                    // bratkartoffel/nextcloud-docker) runs as one on its own; the test
                    // before it is on what the install just made.
                    let mut words = part
                        .split_whitespace()
                        .map(|w| {
                            w.trim_start_matches(['(', '{'])
                                .trim_end_matches([')', '}'])
                        })
                        .filter(|w| !w.is_empty())
                        .skip_while(|w| matches!(*w, "then" | "else" | "do" | "!"));
                    // `unlink FILE` removes one file as `rm FILE` does (MonoDG/myblog drops
                    // Debian's default site with it).
                    if matches!(words.next(), Some("rm" | "unlink")) {
                        for w in words.filter(|w| w.starts_with('/')) {
                            if lint_source::vfs::has_glob(w) {
                                df.removed_globs.push(w.to_string());
                            } else {
                                df.removed.push(PathBuf::from(w));
                            }
                        }
                    }
                }
                // (`cat > FILE <<EOF` in a here-document script writes text not read here.)
                for marker in ["sed -i", "echo ", "printf ", "cat "] {
                    if lower.contains(marker) && !edits.complete {
                        for w in args.split_whitespace() {
                            let w = w.trim_matches(|c: char| {
                                matches!(c, '"' | '\'' | ';' | ')' | '(' | ',' | '&' | '|')
                            });
                            if w.starts_with('/')
                                && (w.contains("/nginx")
                                    || w.contains("php")
                                    || w.ends_with(".conf")
                                    || w.ends_with(".ini"))
                            {
                                df.edited.push((line, w.to_string()));
                            }
                        }
                    }
                }
            }
            // The command is ENTRYPOINT followed by CMD (a new ENTRYPOINT drops an earlier CMD).
            "ENTRYPOINT" => {
                entrypoint = command_words(&args);
                cmd.clear();
            }
            "CMD" => cmd = command_words(&args),
            _ => {}
        }
    }
    df.command = entrypoint.into_iter().chain(cmd).collect();
    // A relative program path (`ENTRYPOINT ["docker/entrypoint.sh"]`) is run from the
    // WORKDIR, as execve resolves it against the working directory: the script the
    // repository places there (thePITmanSolutions' `WORKDIR /app`, `COPY . .`).
    if let Some(first) = df.command.first_mut() {
        if first.contains('/') && !first.starts_with('/') && !first.contains('$') {
            *first = lint_source::vfs::normalize(&workdir.join(&*first))
                .to_string_lossy()
                .into_owned();
        }
    }
    if adds_modules {
        for module in fetched_modules {
            if !built_modules.iter().any(|m| m == module) {
                built_modules.push(module.to_string());
            }
        }
    }
    df.nginx_modules = built_modules;
    // php-fpm installed as another package's dependency (passbolt's `passbolt-ce-server`
    // pulls `php8.4-fpm`): a file copied into Debian's `/etc/php/X.Y/fpm/` names the
    // package and its version, as `apt-get install phpX.Y-fpm` would.
    if !df.installs_fpm && df.package_manager == Some("apt") {
        let version = df.copies.iter().find_map(|c| {
            let rest = c.target.strip_prefix("/etc/php").ok()?;
            let mut parts = rest.components();
            let version = parts.next()?.as_os_str().to_str()?.to_string();
            let fpm = parts.next()?.as_os_str() == "fpm";
            (fpm && is_php_version(&version)).then_some(version)
        });
        if let Some(version) = version {
            df.installs_fpm = true;
            df.php_version = version;
        }
    }
    if df.installs_fpm && df.php_version.is_empty() && df.package_manager == Some("apt") {
        if let Some(version) = versioned_php_package {
            df.php_version = version;
        }
    }
    // A deleted file is not an edited one.
    let removed = df.removed.clone();
    df.edited
        .retain(|(_, p)| !removed.iter().any(|r| r == Path::new(p)));
    // One note per edited file (the first line that edits it).
    df.edited.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    df.edited.dedup_by(|a, b| a.1 == b.1);
    df.edited.sort();
    df
}

/// A Dockerfile's text. Docker reads the file as bytes: a comment in another encoding
/// (da-hatakeyama/k8s-php-720-sample's Shift-JIS ones) does not stop `docker build`, and
/// instructions are ASCII, so bytes that are not UTF-8 are replaced rather than the
/// whole file dropped (it was, silently: its files were then linted as loose ones).
pub(crate) fn read_text(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// `8.4`, `7.4`: a Debian php package's version (digits, one dot, digits).
pub fn is_php_version(text: &str) -> bool {
    text.split_once('.').is_some_and(|(major, minor)| {
        !major.is_empty()
            && !minor.is_empty()
            && major.bytes().all(|b| b.is_ascii_digit())
            && minor.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The (name, value) pairs of an `ENV` instruction's arguments, as Docker reads them:
/// `ENV a=1 b="x y"` when the first word has a `=`, else the legacy `ENV a 1 2`, one name
/// and the rest of the line its value, `=` signs in it included (yansongda's
/// `ENV NGINX_CONFIGURE --user=www-data --prefix=/etc/nginx ...` read as pairs was
/// `--user`, `--prefix`... and `./configure $NGINX_CONFIGURE` nginx's defaults).
fn env_pairs(args: &str) -> Vec<(String, String)> {
    let args = args.trim();
    let first = args.split_whitespace().next().unwrap_or("");
    if first.contains('=') {
        crate::supervisord::words(args)
            .into_iter()
            .filter_map(|w| {
                let (k, v) = w.split_once('=')?;
                Some((k.to_string(), v.to_string()))
            })
            .collect()
    } else {
        let (k, v) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        vec![(k.to_string(), unquote(v.trim()).to_string())]
    }
}

/// A value of `ARG` or `ENV` without the quotes around it: the shell-like parser of
/// Dockerfiles drops both kinds (`ARG NGINX_VERSION='1.27'` is `1.27`; kept, the image
/// was `nginx:'1.27'-alpine` and its version unknown).
fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    /// A Dockerfile at `/r/Dockerfile` with `/r` as its context and no build arguments.
    fn parse_in_r(text: &str) -> super::Dockerfile {
        super::parse(
            std::path::Path::new("/r/Dockerfile"),
            text,
            std::path::Path::new("/r"),
            &std::collections::BTreeMap::new(),
        )
    }

    /// An unversioned `php-fpm` beside a versioned php package from Surý's repository is
    /// that version (atlaswebdev89/nginx-php-fpm-docker: Debian 10 with `php8.2`, started
    /// as `php-fpm8.2`); alone, it is the release's own php (left to the caller).
    #[test]
    fn unversioned_php_fpm_beside_a_versioned_php_package_is_that_version() {
        let df = parse_in_r;
        let sury = df("FROM debian:10\nRUN apt -y update && apt -y install php8.2 git curl\nRUN apt install -y php-fpm\nRUN apt -y install php-mysql php-xml\n");
        assert!(sury.installs_fpm);
        assert_eq!(sury.php_version, "8.2");
        let own = df("FROM debian:10\nRUN apt-get install -y php-fpm php-mysql\n");
        assert!(own.installs_fpm);
        assert_eq!(own.php_version, "");
        let pinned = df("FROM debian:12\nRUN apt-get install -y php8.1-cli php8.3-fpm\n");
        assert_eq!(pinned.php_version, "8.3");
    }

    /// passbolt's Debian image installs php-fpm as its package's dependency and copies a
    /// pool file into `/etc/php/8.4/fpm/pool.d/`: that names the package. Without the
    /// copy, or on another distribution's layout, nothing is assumed.
    #[test]
    fn a_pool_copied_into_debian_s_tree_names_php_fpm() {
        let df = parse_in_r;
        let text = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y nginx passbolt-ce-server\nCOPY pool.conf /etc/php/8.4/fpm/pool.d/zz-docker.conf\n";
        let found = df(text);
        assert!(found.installs_fpm);
        assert_eq!(found.php_version, "8.4");
        let text = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y nginx\nCOPY site.conf /etc/nginx/sites-enabled/site.conf\n";
        assert!(!df(text).installs_fpm);
        let text =
            "FROM alpine:3.20\nRUN apk add nginx\nCOPY pool.conf /etc/php/8.4/fpm/pool.d/x.conf\n";
        assert!(!df(text).installs_fpm);
    }

    /// A file a build stage copied from the context, copied on with `COPY --from`, is the
    /// repository's; a folder, or a file the stage's RUN edits, stays another image's.
    #[test]
    fn a_file_copied_from_a_stage_that_copied_the_context_is_the_repositorys() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("nginx.conf"), "server {}\n").expect("write");
        std::fs::write(dir.path().join("edited.conf"), "x\n").expect("write");
        std::fs::create_dir(dir.path().join("public")).expect("mkdir");
        let df = parse(
            &dir.path().join("Dockerfile"),
            "FROM composer:2 AS build\nWORKDIR /app\nCOPY . .\nRUN sed -i 's/x/y/' /app/edited.conf\nFROM trafex/php-nginx:3\nCOPY --from=build /app/nginx.conf /etc/nginx/conf.d/default.conf\nCOPY --from=build /app/edited.conf /etc/nginx/conf.d/edited.conf\nCOPY --from=build /app/public /var/www/html/public\n",
            dir.path(),
            &BTreeMap::new(),
        );
        let hosts: Vec<(PathBuf, PathBuf)> = df
            .copies
            .iter()
            .map(|c| (c.host.clone(), c.target.clone()))
            .collect();
        assert_eq!(
            hosts,
            [(
                dir.path().join("nginx.conf"),
                PathBuf::from("/etc/nginx/conf.d/default.conf")
            )]
        );
        assert_eq!(df.copied_from_images.len(), 2);
    }

    /// An `ARG` without a value nothing gives is not known to a RUN's shell (a CI's
    /// `--build-arg` fills it): the `sed` that writes it is not modelled; with a default,
    /// or given, it is.
    #[test]
    fn an_arg_without_a_value_is_not_known_to_a_run() {
        let text = |arg: &str| {
            format!("FROM nginx:1.27\n{arg}\nRUN sed -i 's~${{APP_URL}}~'\"${{APP_URL}}\"'~g' /etc/nginx/conf.d/default.conf\n")
        };
        let unset = parse(
            Path::new("/r/Dockerfile"),
            &text("ARG APP_URL"),
            Path::new("/r"),
            &BTreeMap::new(),
        );
        assert!(unset.build_edits.is_empty());
        assert_eq!(
            unset.edited,
            [(3, "/etc/nginx/conf.d/default.conf".to_string())]
        );
        let given = parse(
            Path::new("/r/Dockerfile"),
            &text("ARG APP_URL=https://example.test"),
            Path::new("/r"),
            &BTreeMap::new(),
        );
        assert_eq!(given.build_edits.len(), 1);
    }

    /// A folder moved aside, removed and moved back in one RUN is still there.
    #[test]
    fn a_folder_moved_aside_and_back_is_not_removed() {
        let df = parse(
            Path::new("/r/Dockerfile"),
            "FROM debian:bookworm\nRUN mv /etc/nginx /etc/nginx_bak; apt-get install -y openresty; rm -Rf /etc/nginx; mv /etc/nginx_bak /etc/nginx; rm -f /etc/a.conf\nRUN rm -rf /etc/b\n",
            Path::new("/r"),
            &BTreeMap::new(),
        );
        assert_eq!(
            df.removed,
            [PathBuf::from("/etc/a.conf"), PathBuf::from("/etc/b")]
        );
    }

    /// An `rm` in a subshell, a brace group or a branch removes as a plain one does; the
    /// test before it is not an rm.
    #[test]
    fn an_rm_in_a_subshell_or_a_branch_removes() {
        let df = parse(
            Path::new("/r/Dockerfile"),
            "FROM alpine:3.20\nRUN apk add php83-fpm && (if [ -d /etc/php*/php-fpm.d/ ]; then rm -v /etc/php*/php-fpm.d/*; fi) && { rm -f /etc/nginx/http.d/default.conf; } && (rm /etc/a.conf)\n",
            Path::new("/r"),
            &BTreeMap::new(),
        );
        assert_eq!(df.removed_globs, ["/etc/php*/php-fpm.d/*"]);
        assert_eq!(
            df.removed,
            [
                PathBuf::from("/etc/nginx/http.d/default.conf"),
                PathBuf::from("/etc/a.conf")
            ]
        );
    }

    #[test]
    fn a_directory_from_another_image_fills_the_destination() {
        let df = parse(
            Path::new("/r/Dockerfile"),
            "FROM php:8.3-fpm\nWORKDIR /web\nCOPY --from=example/codebase /src .\nCOPY --from=composer:2 /usr/bin/composer.phar /usr/local/bin/\nCOPY --from=example/codebase /src/public/ /srv/\n",
            Path::new("/r"),
            &BTreeMap::new(),
        );
        let targets: Vec<&Path> = df
            .copied_from_images
            .iter()
            .map(|c| c.0.as_path())
            .collect();
        assert_eq!(
            targets,
            [
                Path::new("/web"),
                Path::new("/usr/local/bin/composer.phar"),
                Path::new("/srv")
            ]
        );
    }

    #[test]
    fn other_targets_are_named_stages_nothing_builds_on() {
        // The php stage beside the final nginx stage (COPY --from of some files only).
        assert_eq!(
            other_targets("FROM composer AS deps\nFROM php:8.3-fpm AS php\nCOPY --from=deps /app /app\nFROM nginx AS web\nCOPY --from=php /app/public /app/public\n"),
            ["deps", "php"]
        );
        // A stage built on, or copied whole into a `FROM scratch`, is part of another.
        assert!(
            other_targets("FROM php:8.3-fpm AS base\nFROM base AS dev\nFROM base\n") == ["dev"]
        );
        assert!(other_targets(
            "FROM debian AS base\nFROM scratch AS final\nCOPY --from=base / /\n"
        )
        .is_empty());
        // Unnamed stages cannot be targets; the last stage is the default build.
        assert!(other_targets("FROM php:8.3-fpm\nFROM nginx AS web\n").is_empty());
    }

    #[test]
    fn links_a_run_makes() {
        let made = |run: &str| symlinks_made(run, Path::new("/var/www"));
        assert_eq!(
            made("apt-get install -y php8.2-fpm && ln -sf /run/php/php8.2-fpm.sock /run/php-fpm.sock && true"),
            [(PathBuf::from("/run/php-fpm.sock"), PathBuf::from("/run/php/php8.2-fpm.sock"))]
        );
        // A relative target is read from the link's folder; a relative link from WORKDIR.
        assert_eq!(
            made("ln -sfn php8.3-fpm.sock /run/php/php-fpm.sock; ln --symbolic /srv/a current"),
            [
                (
                    PathBuf::from("/run/php/php-fpm.sock"),
                    PathBuf::from("/run/php/php8.3-fpm.sock")
                ),
                (PathBuf::from("/var/www/current"), PathBuf::from("/srv/a")),
            ]
        );
        // Hard links, and links into a directory, are not tracked.
        assert!(made("ln /a /b").is_empty());
        assert!(made("ln -s /a /b /dir/").is_empty());
    }

    use super::*;

    #[test]
    fn last_stage_copies_and_installs() {
        let text = "ARG PHP=8.3\nFROM composer AS deps\nCOPY . /app\nFROM php:${PHP}-fpm-alpine\nWORKDIR /var/www\nCOPY docker/php/www.conf /usr/local/etc/php-fpm.d/www.conf\nCOPY --from=deps /app /var/www\nRUN apk add --no-cache nginx \\\n    supervisor\nCOPY docker/nginx/ /etc/nginx/http.d/\nCMD [\"supervisord\", \"-c\", \"/etc/supervisord.conf\"]\n";
        let df = parse(
            Path::new("/r/Dockerfile"),
            text,
            Path::new("/r"),
            &BTreeMap::new(),
        );
        assert_eq!(df.base.as_deref(), Some("php:8.3-fpm-alpine"));
        assert!(df.installs_nginx);
        assert_eq!(df.package_manager, Some("apk"));
        assert_eq!(df.copies.len(), 2);
        assert_eq!(
            df.copies[0].target,
            PathBuf::from("/usr/local/etc/php-fpm.d/www.conf")
        );
        assert!(df.copies[1].into_dir);
        assert_eq!(df.command[0], "supervisord");
    }

    /// apk's version constraints (`nginx~=1`, hadolint's DL3018) name the package they
    /// constrain; only `=` and `~` name the version installed.
    #[test]
    fn apk_version_constraints_name_their_package() {
        let df = parse_in_r;
        let fuzzy =
            df("FROM php:8.4-fpm-alpine\nRUN apk add --no-cache nginx~=1.26 supervisor~=4\n");
        assert!(fuzzy.installs_nginx);
        assert_eq!(fuzzy.nginx_pin.as_deref(), Some("1.26"));
        let ranged = df("FROM alpine:3.20\nRUN apk add nginx>1.24 php83-fpm<8.4\n");
        assert!(ranged.installs_nginx && ranged.installs_fpm);
        assert_eq!(ranged.nginx_pin, None);
        assert_eq!(ranged.php_suffix, "83");
    }

    /// nginx compiled in a RUN is the stage's; a later stage has it when it copies the
    /// build's prefix (or conf folder, or binary) from that stage, not for other files.
    #[test]
    fn nginx_built_from_source_follows_its_prefix_between_stages() {
        let df = parse_in_r;
        let one = df("FROM ubuntu:24.04\nARG V=1.26.2\nWORKDIR /tmp/nginx-${V}\nRUN ./configure --prefix=/usr/local/nginx --user=www --with-http_ssl_module && make install\n");
        let build = one.nginx_build.unwrap();
        assert_eq!(
            build.conf_path,
            PathBuf::from("/usr/local/nginx/conf/nginx.conf")
        );
        assert_eq!(build.version.as_deref(), Some("1.26"));
        let staged = "FROM debian:bookworm AS build\nRUN cd /src/nginx && ./configure --prefix=/opt/nginx --with-http_v2_module && make install\nFROM debian:bookworm-slim\n";
        let copied = df(&format!(
            "{staged}COPY --from=build /opt/nginx /opt/nginx\n"
        ));
        assert_eq!(
            copied.nginx_build.map(|b| b.conf_path),
            Some(PathBuf::from("/opt/nginx/conf/nginx.conf"))
        );
        let other = df(&format!(
            "{staged}COPY --from=build /usr/lib/x /usr/lib/x\n"
        ));
        assert_eq!(other.nginx_build, None);
        // php's configure in the same image is not nginx's.
        let php = df("FROM ubuntu:24.04\nRUN cd php-8.4.1 && ./configure --prefix=/usr/local/php --enable-fpm\n");
        assert_eq!(php.nginx_build, None);
    }

    /// `ENV NAME value` (the legacy form) keeps the rest of the line as the value, `=`
    /// signs in it included: yansongda/docker-php-fpm-nginx configures nginx with
    /// `ENV NGINX_CONFIGURE --prefix=/etc/nginx ... --add-module=...` and `./configure
    /// $NGINX_CONFIGURE`. The `a=1 b="x y"` form keeps quoted spaces.
    #[test]
    fn env_legacy_form_keeps_equals_signs_and_pairs_keep_quoted_spaces() {
        let df = parse_in_r("FROM debian:bookworm\nENV NGINX_CONFIGURE \\\n    --user=www-data --prefix=/etc/nginx \\\n    --conf-path=/etc/nginx/nginx.conf --add-module=/src/nginx-module-vts\nENV A=1 B=\"x y\" C='z'\nRUN cd /src/nginx-1.18.0 && ./configure $NGINX_CONFIGURE && make install\n");
        let configure = df.env.get("NGINX_CONFIGURE").map(String::as_str);
        assert!(
            configure.is_some_and(|c| c.starts_with("--user=www-data --prefix=/etc/nginx")
                && c.ends_with("--add-module=/src/nginx-module-vts")),
            "{configure:?}"
        );
        assert!(!df.env.contains_key("--user"));
        assert_eq!(df.env.get("B").map(String::as_str), Some("x y"));
        assert_eq!(df.env.get("C").map(String::as_str), Some("z"));
        let build = df.nginx_build.expect("nginx built from source");
        assert_eq!(build.conf_path, PathBuf::from("/etc/nginx/nginx.conf"));
        assert_eq!(build.user, "www-data");
        assert_eq!(df.nginx_modules, ["vts"]);
    }

    /// A RUN continued across an empty line or a comment line is one command, as Docker
    /// reads it.
    #[test]
    fn empty_and_comment_lines_inside_a_continuation_do_not_end_it() {
        let df = parse(
            Path::new("/r/Dockerfile"),
            "FROM ubuntu:22.04\nRUN apt-get update && \\\n    apt-get install -y vim && \\\n\n#    apt-get install curl && \\\n    apt-get install -y nginx php8.1-fpm\nCMD [\"nginx\"]\n",
            Path::new("/r"),
            &BTreeMap::new(),
        );
        assert!(df.installs_nginx && df.installs_fpm);
        assert_eq!(df.command, ["nginx"]);
    }

    /// Where nginx comes from: a pinned version, nginx.org's repository set up in this
    /// stage or in another one whose apt sources are copied in, quoted ARG values.
    #[test]
    fn nginx_packages_pins_and_their_repository() {
        let df = parse_in_r;
        // serversideup/docker-php's shape.
        let staged = df("ARG NGINX_VERSION='1.28.0-1'\nFROM php:8.4-fpm-bookworm AS repo\nRUN echo \"deb http://nginx.org/packages/debian bookworm nginx\" > /etc/apt/sources.list.d/nginx.list\nFROM php:8.4-fpm-bookworm\nARG NGINX_VERSION\nCOPY --from=repo /etc/apt/sources.list.d/nginx.list /etc/apt/sources.list.d/\nRUN apt-get install -y nginx=${NGINX_VERSION}\n");
        assert!(staged.installs_nginx);
        assert!(staged.nginx_org_packages);
        assert_eq!(staged.nginx_pin.as_deref(), Some("1.28.0-1"));
        // Copied from the stage, but not its sources: the repository is not known.
        let other = df("FROM php:8.4-fpm-bookworm AS repo\nRUN echo \"deb http://nginx.org/packages/debian bookworm nginx\" > /etc/apt/sources.list.d/nginx.list\nFROM php:8.4-fpm-bookworm\nCOPY --from=repo /usr/share/keyrings/k.gpg /usr/share/keyrings/\nRUN apt-get install -y nginx\n");
        assert!(!other.nginx_org_packages);
        // nginx.org's revision form; Debian's own is not it.
        assert!(
            df("FROM debian:bookworm\nRUN apt-get install -y nginx=1.26.3-1~bookworm\n")
                .nginx_org_packages
        );
        assert!(
            !df("FROM debian:bookworm\nRUN apt-get install -y nginx=1.22.1-9+deb12u1\n")
                .nginx_org_packages
        );
        assert_eq!(unquote("'1.27'"), "1.27");
        assert_eq!(unquote("\"a b\""), "a b");
        assert_eq!(unquote("'half"), "'half");
    }

    /// `COPY composer.json .` copies into the WORKDIR (or `/`), never over it: read as a
    /// file placed at `/`, it hid every stock file of the image.
    #[test]
    fn copy_to_dot_lands_inside_the_workdir() {
        let df = parse(
            Path::new("/r/Dockerfile"),
            "FROM php:8.3-fpm\nCOPY notes.txt .\nWORKDIR /app\nCOPY a.txt ./\nCOPY b.txt /app/.\n",
            Path::new("/r"),
            &BTreeMap::new(),
        );
        let targets: Vec<_> = df
            .copies
            .iter()
            .map(|c| (c.target.clone(), c.into_dir))
            .collect();
        assert_eq!(
            targets,
            [
                (PathBuf::from("/"), true),
                (PathBuf::from("/app"), true),
                (PathBuf::from("/app"), true),
            ]
        );
    }

    /// `ln -s -t DIR TARGET` puts the link in DIR (it was read backwards: the site file
    /// replaced by a link to the folder, sites-enabled left empty); a command
    /// substitution is no path.
    #[test]
    fn ln_target_directory_form() {
        let at = Path::new("/");
        assert_eq!(
            symlinks_made(
                "ln -s -t /etc/nginx/sites-enabled/ /etc/nginx/sites-available/mysite",
                at
            ),
            [(
                PathBuf::from("/etc/nginx/sites-enabled/mysite"),
                PathBuf::from("/etc/nginx/sites-available/mysite")
            )]
        );
        assert_eq!(
            symlinks_made("ln -st /etc/nginx/conf.d /srv/app.conf && true", at),
            [(
                PathBuf::from("/etc/nginx/conf.d/app.conf"),
                PathBuf::from("/srv/app.conf")
            )]
        );
        assert_eq!(
            symlinks_made(
                "ln --symbolic --target-directory=/etc/nginx/conf.d /srv/app.conf",
                at
            ),
            [(
                PathBuf::from("/etc/nginx/conf.d/app.conf"),
                PathBuf::from("/srv/app.conf")
            )]
        );
        assert!(symlinks_made(
            "ln -s -t /usr/lib/x/ /usr/lib/$(uname -m)-linux-gnu/libx.so",
            at
        )
        .is_empty());
    }

    /// Flags before the JSON form (`COPY --chown=… ["src/", "/dest/"]`): the array is
    /// still read as one (zabbix's `COPY --from=builder [...]` landed at `/usr/share/zabbix]`,
    /// and a `--chown` one was dropped, php-fpm's container then said to lack the app).
    #[test]
    fn json_form_copies_take_flags_before_the_array() {
        let df = parse(
            Path::new("/r/Dockerfile"),
            "FROM php:8.3-fpm\nCOPY --chown=www-data:www-data [\"src/\", \"/var/www/html/\"]\nCOPY --link --chmod=644 [\"a.conf\", \"/etc/a.conf\"]\n",
            Path::new("/r"),
            &BTreeMap::new(),
        );
        let copies: Vec<_> = df
            .copies
            .iter()
            .map(|c| (c.host.clone(), c.target.clone()))
            .collect();
        assert_eq!(
            copies,
            [
                (PathBuf::from("/r/src"), PathBuf::from("/var/www/html")),
                (PathBuf::from("/r/a.conf"), PathBuf::from("/etc/a.conf")),
            ]
        );
    }

    /// The official php image sets `PHP_INI_DIR`; `COPY php.ini $PHP_INI_DIR/conf.d/`
    /// is its documented way to add settings.
    #[test]
    fn the_php_image_env_is_known() {
        let df = parse(
            Path::new("/r/Dockerfile"),
            "FROM php:8.3-fpm\nCOPY php.ini $PHP_INI_DIR/conf.d/\n",
            Path::new("/r"),
            &BTreeMap::new(),
        );
        assert_eq!(
            df.copies[0].target,
            PathBuf::from("/usr/local/etc/php/conf.d")
        );
        // In a stage built on a php stage too.
        let df = parse(
            Path::new("/r/Dockerfile"),
            "FROM php:8.3-fpm AS base\nRUN true\nFROM base\nCOPY php.ini $PHP_INI_DIR/conf.d/\n",
            Path::new("/r"),
            &BTreeMap::new(),
        );
        assert_eq!(
            df.copies[0].target,
            PathBuf::from("/usr/local/etc/php/conf.d")
        );
    }

    /// A stage built on an earlier stage starts with its WORKDIR, ENV, files and command.
    /// `..` in a COPY source stays inside the build context, as Docker reads it.
    #[test]
    fn a_copy_source_does_not_leave_the_context() {
        let df = parse(
            Path::new("/r/php/Dockerfile"),
            "FROM php:8.3-fpm\nCOPY ../entrypoint.sh /\nCOPY ../../etc/ /etc/\n",
            Path::new("/r"),
            &BTreeMap::new(),
        );
        assert_eq!(df.copies[0].host, PathBuf::from("/r/entrypoint.sh"));
        assert_eq!(df.copies[1].host, PathBuf::from("/r/etc"));
    }

    #[test]
    fn a_stage_inherits_the_stage_it_is_built_from() {
        let text = "FROM php:8.3-fpm AS base\nENV CONF=/usr/local/etc/php-fpm.d\nWORKDIR /usr/local/etc/php-fpm.d\nCOPY www.conf ${CONF}/www.conf\nCMD [\"php-fpm\", \"-F\"]\n\nFROM composer AS deps\nWORKDIR /deps\n\nFROM base AS app\nCOPY zz-app.conf .\n";
        let df = parse(
            Path::new("/r/Dockerfile"),
            text,
            Path::new("/r"),
            &BTreeMap::new(),
        );
        assert_eq!(df.base.as_deref(), Some("php:8.3-fpm"));
        let targets: Vec<_> = df.copies.iter().map(|c| c.target.clone()).collect();
        assert_eq!(
            targets,
            [
                PathBuf::from("/usr/local/etc/php-fpm.d/www.conf"),
                PathBuf::from("/usr/local/etc/php-fpm.d"),
            ]
        );
        assert_eq!(df.command, ["php-fpm", "-F"]);
        assert_eq!(
            df.env.get("CONF").map(String::as_str),
            Some("/usr/local/etc/php-fpm.d")
        );
        // An unrelated stage starts afresh.
        let df = parse(
            Path::new("/r/Dockerfile"),
            "FROM php:8.3-fpm AS base\nWORKDIR /x\nCOPY a /etc/a\nFROM nginx:1.27\nCOPY b .\n",
            Path::new("/r"),
            &BTreeMap::new(),
        );
        let targets: Vec<_> = df.copies.iter().map(|c| c.target.clone()).collect();
        assert_eq!(targets, [PathBuf::from("/")]);
    }
}
