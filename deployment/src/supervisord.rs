//! The programs a supervisord configuration starts.
//!
//! An image that runs nginx and php-fpm together often starts them from supervisord:
//! `CMD ["supervisord", "-c", "/etc/supervisord.conf"]` with `[program:php-fpm]
//! command=php-fpm -F --fpm-config /usr/local/etc/php-fpm.d/www.conf`. The program's
//! own arguments choose php-fpm's main file (or nginx's), exactly as a container
//! command would, so the deployment reads them from there.

use std::path::{Path, PathBuf};

use lint_source::vfs::FileSystem;

/// Where supervisord looks for its configuration when not given `-c` (supervisor's
/// `options.py`: relative candidates depend on the working directory and are left out).
const DEFAULT_CONFIGS: &[&str] = &["/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"];

/// The main files supervisor's packages install, with the folder each includes for the
/// programs an image adds (Debian and Ubuntu; Alpine).
const PACKAGE_INCLUDES: &[(&str, &str)] = &[
    (
        "/etc/supervisor/supervisord.conf",
        "/etc/supervisor/conf.d/*.conf",
    ),
    ("/etc/supervisord.conf", "/etc/supervisor.d/*.ini"),
];

/// Files read at most: a main file and what its `[include]` names.
const MAX_FILES: usize = 64;

/// The command lines (as words) of every `[program:*]` in the supervisord configuration
/// `config` (else supervisord's default locations) inside `fs`, with the files that
/// `[include] files =` names; in file order.
///
/// ```
/// use deployment::container_fs::{ContainerFs, Mount, Source};
/// let conf = "[supervisord]\nnodaemon=true\n[program:fpm]\ncommand=php-fpm -F -y \"/etc/fpm.conf\"\n";
/// let mount = Mount {
///     guessed: false,
///     target: "/etc/supervisord.conf".into(),
///     source: Source::Bytes { bytes: conf.as_bytes().into(), origin: "example".into(), host: None, located: None },
///     why: "example".into(),
/// };
/// let fs = ContainerFs::new("example", vec![], vec![mount], "/nonexistent".into());
/// let programs = deployment::supervisord::program_commands(&fs, None);
/// assert_eq!(programs, [["php-fpm", "-F", "-y", "/etc/fpm.conf"]]);
/// ```
pub fn program_commands(fs: &dyn FileSystem, config: Option<&Path>) -> Vec<Vec<String>> {
    programs(fs, config)
        .into_iter()
        .map(|p| p.command)
        .collect()
}

/// One `[program:*]` section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    /// Its `command`, as words.
    pub command: Vec<String>,
    /// Its `user`: supervisord (running as root) starts the program as that account, so
    /// php-fpm's master, and the sockets it creates, belong to it.
    pub user: Option<String>,
}

/// The `[program:*]` sections of the supervisord configuration `config` (else
/// supervisord's default locations) inside `fs`, with the files `[include] files =`
/// names; in file order. See [`program_commands`].
pub fn programs(fs: &dyn FileSystem, config: Option<&Path>) -> Vec<Program> {
    let main = match config {
        Some(path) => Some(path.to_path_buf()),
        None => DEFAULT_CONFIGS
            .iter()
            .map(PathBuf::from)
            .find(|p| fs.read(p).is_ok()),
    };
    // No file of the repository's at the default places: the package's own main file,
    // which includes the folder the repository fills.
    let main = main.or_else(|| {
        PACKAGE_INCLUDES
            .iter()
            .find(|(_, folder)| fs.glob(Path::new(folder)).is_ok_and(|f| !f.is_empty()))
            .map(|(main, _)| PathBuf::from(main))
    });
    let Some(main) = main else {
        return Vec::new();
    };
    let mut queue = vec![main];
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut out = Vec::new();
    // `[supervisord] user=`: supervisord drops to it, and every program runs as it.
    let mut everyone: Option<String> = None;
    while let Some(file) = queue.pop() {
        if seen.contains(&file) || seen.len() >= MAX_FILES {
            continue;
        }
        seen.push(file.clone());
        let Ok(fetched) = fs.read(&file) else {
            // The package's main file, which the image has and the repository does not
            // show (Debian's `supervisord -c /etc/supervisor/supervisord.conf` beside a
            // program file copied to conf.d/): what it includes is read.
            if let Some((_, folder)) = PACKAGE_INCLUDES.iter().find(|(m, _)| Path::new(m) == file) {
                if let Ok(paths) = fs.glob(Path::new(folder)) {
                    queue.extend(paths.into_iter().rev());
                }
            }
            continue;
        };
        let text = String::from_utf8_lossy(&fetched.bytes);
        let parsed = parse(&text);
        everyone = everyone.or(parsed.supervisord_user);
        out.extend(parsed.programs);
        // Included files are read after the file that names them, in glob order.
        let dir = file.parent().unwrap_or(Path::new("/"));
        let mut included = Vec::new();
        for pattern in parsed.includes {
            let pattern = dir.join(pattern);
            if let Ok(paths) = fs.glob(&pattern) {
                included.extend(paths);
            }
        }
        queue.extend(included.into_iter().rev());
    }
    if let Some(user) = everyone {
        for p in &mut out {
            p.user.get_or_insert_with(|| user.clone());
        }
    }
    out
}

/// What one supervisord file says that matters here.
#[derive(Debug, Default, PartialEq)]
struct Parsed {
    programs: Vec<Program>,
    includes: Vec<String>,
    /// `user=` of the `[supervisord]` section.
    supervisord_user: Option<String>,
}

/// Reads the `command` of each `[program:*]` section and the `files` of `[include]`.
/// Continuation lines (indented) join the value before them, as in Python's
/// configparser; `;` and `#` start comments at the start of a line.
fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut section = String::new();
    let mut program = Program::default();
    let mut current: Option<(String, String)> = None;
    let finish = |section: &str,
                  entry: Option<(String, String)>,
                  program: &mut Program,
                  parsed: &mut Parsed| {
        let Some((key, value)) = entry else { return };
        if section.starts_with("program:") && key == "command" {
            program.command = words(&value);
        } else if section.starts_with("program:") && key == "user" && !value.is_empty() {
            program.user = Some(value);
        } else if section == "supervisord" && key == "user" && !value.is_empty() {
            parsed.supervisord_user = Some(value);
        } else if section == "include" && key == "files" {
            parsed
                .includes
                .extend(value.split_whitespace().map(str::to_string));
        }
    };
    // A section's keys come in any order: its program is complete at the next header.
    let close = |program: &mut Program, parsed: &mut Parsed| {
        let program = std::mem::take(program);
        if !program.command.is_empty() {
            parsed.programs.push(program);
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(';') || trimmed.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.as_mut() {
                value.push(' ');
                value.push_str(without_comment(trimmed));
            }
            continue;
        }
        finish(&section, current.take(), &mut program, &mut parsed);
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            close(&mut program, &mut parsed);
            section = name.trim().to_string();
            continue;
        }
        if let Some((key, value)) = trimmed.split_once(['=', ':']) {
            current = Some((
                key.trim().to_ascii_lowercase(),
                without_comment(value).trim().to_string(),
            ));
        }
    }
    finish(&section, current.take(), &mut program, &mut parsed);
    close(&mut program, &mut parsed);
    parsed
}

/// A value without its inline comment, which needs whitespace before its `;`
/// (supervisor's config parser).
fn without_comment(value: &str) -> &str {
    value
        .find(" ;")
        .or_else(|| value.find("\t;"))
        .map_or(value, |i| &value[..i])
}

/// A command line's words as supervisord (shlex) or a shell splits them: quotes group,
/// and go.
pub(crate) fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for ch in command.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(ch);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_includes_and_continuations() {
        let text = "[supervisord]\nnodaemon=true\n\n; a comment\n[program:php-fpm]\ncommand=/usr/local/sbin/php-fpm --nodaemonize\n  --fpm-config /usr/local/etc/php-fpm.d/www.conf ; inline\nautorestart=true\n[program:nginx]\ncommand = nginx -g 'daemon off;'\n[include]\nfiles = conf.d/*.conf /etc/more.ini\n";
        let parsed = parse(text);
        let commands: Vec<Vec<String>> =
            parsed.programs.iter().map(|p| p.command.clone()).collect();
        assert_eq!(
            commands,
            [
                vec![
                    "/usr/local/sbin/php-fpm",
                    "--nodaemonize",
                    "--fpm-config",
                    "/usr/local/etc/php-fpm.d/www.conf"
                ],
                vec!["nginx", "-g", "daemon off;"],
            ]
        );
        assert_eq!(parsed.includes, ["conf.d/*.conf", "/etc/more.ini"]);
    }

    #[test]
    fn commands_of_other_sections_are_not_programs() {
        let parsed = parse("[eventlistener:x]\ncommand=php-fpm -y /nope\n[program:a]\nuser=www\n");
        assert!(parsed.programs.is_empty(), "{parsed:?}");
    }

    /// `[supervisord] user=` drops supervisord itself to that account: its programs run
    /// as it unless they name another.
    #[test]
    fn the_supervisord_section_user_is_every_programs() {
        let parsed = parse(
            "[supervisord]\nnodaemon=true\nuser=www-data\n[program:fpm]\ncommand=php-fpm -F\n",
        );
        assert_eq!(parsed.supervisord_user.as_deref(), Some("www-data"));
        assert_eq!(parsed.programs[0].user, None);
    }

    /// `user=` belongs to its own section, before or after `command`.
    #[test]
    fn a_program_keeps_its_own_user() {
        let parsed = parse(
            "[program:php-fpm]\nuser=nginx\ncommand=php-fpm5 -F\n[program:nginx]\ncommand=nginx\n[program:cron]\ncommand=crond -f\nuser = app ; who\n",
        );
        let users: Vec<(&str, Option<&str>)> = parsed
            .programs
            .iter()
            .map(|p| (p.command[0].as_str(), p.user.as_deref()))
            .collect();
        assert_eq!(
            users,
            [
                ("php-fpm5", Some("nginx")),
                ("nginx", None),
                ("crond", Some("app"))
            ]
        );
    }
}
