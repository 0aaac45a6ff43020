//! The command line of nginx-fpm-lint: arguments, discovery, the config file,
//! inline suppressions, renderers and exit codes. The only crate that
//! touches stdout and the exit code.
#![forbid(unsafe_code)]

pub mod args;
mod baseline;
mod fixing;
pub mod lsp;
pub mod render;
mod timings;

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use lint_source::{RuleMeta, Severity, SourceMap};

use args::{Args, Command, FailLevel, Format};

/// Every code the tool can emit.
pub fn all_rules() -> Vec<&'static RuleMeta> {
    lint_rules::all_rules()
}

/// The Markdown page of a rule (docs/rules/CODE.md).
pub fn rule_markdown(meta: &RuleMeta) -> String {
    format!(
        "# {code} {name}\n\n{summary}.\n\n- Family: {family}\n- Default severity: {severity}\n\n{doc}\n\n## Fix\n\n{fix}\n",
        code = meta.code,
        name = meta.name,
        summary = meta.summary,
        family = meta.family.title(),
        severity = meta.severity.as_str(),
        doc = meta.doc,
        fix = meta.fix,
    )
}

/// Runs the command line with the process arguments and returns the exit code.
pub fn run() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if matches!(args.command, Some(Command::Lsp)) {
        // The server writes stdout from its own thread: no lock may be held here.
        return match lint_lsp::run(&lsp::CliHost::new(args)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("nginx-fpm-lint lsp: {message}");
                ExitCode::from(2)
            }
        };
    }
    match execute(args, &mut std::io::stdout().lock()) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("nginx-fpm-lint: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs parsed arguments, writing the report to `out`. Returns the exit code;
/// `Err` is a usage, I/O or config error (exit 2).
pub fn execute(args: Args, out: &mut dyn Write) -> Result<u8, String> {
    let rules = all_rules();
    match &args.command {
        Some(Command::Rules) => {
            for r in &rules {
                writeln!(
                    out,
                    "{:<8} {:<34} {:<8} {}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary
                )
                .map_err(|e| e.to_string())?;
            }
            return Ok(0);
        }
        Some(Command::Rule { code }) => {
            let meta = rules
                .iter()
                .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
                .ok_or_else(|| format!("no rule \"{code}\" (see `nginx-fpm-lint rules`)"))?;
            write!(out, "{}", rule_markdown(meta)).map_err(|e| e.to_string())?;
            return Ok(0);
        }
        Some(Command::Deployments { path, materialize }) => {
            let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
            let given = path.clone().unwrap_or_else(|| PathBuf::from("."));
            let repo = path.clone().unwrap_or_else(|| cwd.clone());
            if !repo.is_dir() {
                return Err(format!("{}: not a directory", repo.display()));
            }
            let repo = lint_source::vfs::normalize(&cwd.join(&repo));
            // The values a lint would use (`--env`), so that both show one assembly.
            let assembled = deployment::assemble_with(&repo, &env_values(&args)?);
            write!(out, "{}", deployment::describe(&assembled, &repo, &given))
                .map_err(|e| e.to_string())?;
            if let Some(dir) = materialize {
                materialize_all(&assembled, dir)?;
            }
            return Ok(0);
        }
        Some(Command::DumpTree { path }) => {
            let on_disk = match &args.root {
                Some(root) => root.join(path.strip_prefix("/").unwrap_or(path)),
                None => path.clone(),
            };
            if on_disk.is_dir() {
                // Loaded as a file, a directory read as `open() ""` (triage round 10).
                return Err(format!(
                    "dump-tree: {} is a directory; name an nginx main file (`nginx-fpm-lint deployments {}` shows what a repository holds)",
                    path.display(),
                    path.display()
                ));
            }
            let map = SourceMap::new();
            let opts = nginx_conf_parser::LoadOptions {
                root: args.root.clone(),
                prefix: args.prefix.clone(),
                ..Default::default()
            };
            let config = nginx_conf_parser::load(path, &opts, &map);
            write!(out, "{}", nginx_conf_parser::debug_tree(&config, &map))
                .map_err(|e| e.to_string())?;
            for d in &config.diagnostics {
                eprintln!("{}: {}", d.code, d.message);
            }
            return Ok(0);
        }
        Some(Command::Lsp) => {
            // `run` starts the server before locking stdout; here the protocol still
            // goes to stdout, not to `out`.
            lint_lsp::run(&lsp::CliHost::new(args.clone()))?;
            return Ok(0);
        }
        None => {}
    }

    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    if let Some(code) = fixing::run(&args, &cwd, out)? {
        return Ok(code);
    }
    let settings = settings(&args, &cwd)?;
    let fail_level = match (&settings.fail_level, args.fail_level) {
        (Some(_), _) => settings.fail_level(),
        (None, FailLevel::Error) => Severity::Error,
        (None, FailLevel::Warning) => Severity::Warning,
        (None, FailLevel::Note) => Severity::Note,
    };
    // Read before the lint: a missing or unreadable baseline is a usage error, found
    // without waiting for the run.
    let baseline = match (&args.baseline, &settings.baseline) {
        (Some(path), _) => Some(baseline::Baseline::load(path)?),
        (None, Some(path)) => {
            let base = settings.base.as_deref().unwrap_or(&cwd);
            Some(baseline::Baseline::load(&base.join(path))?)
        }
        (None, None) => None,
    };
    let input = input(&args)?;
    let progress = std::io::stderr().is_terminal();
    if progress {
        eprint!("linting...\r");
    }
    let mut clock = timings::Clock::new(args.timings);
    // The process ends after this report.
    let linter = lint_api::Linter::new(settings)
        .current_dir(&cwd)
        .ends_process();
    // Only a timing table needs the phases one after the other.
    let result = if args.timings {
        linter.lint_observed(&input, &mut |phase| clock.lap(phase.name()))
    } else {
        linter.lint(&input)
    };
    let mut report = match result {
        Ok(r) => r,
        // Nothing is wrong with a run over templates only: say so, exit 0. A machine-read
        // format still gets its (empty) report: CI parses stdout.
        Err(lint_api::Error::NothingFound {
            notes,
            only_skipped: true,
            message,
        }) => {
            for note in &notes {
                eprintln!("note: {note}");
            }
            eprintln!("note: {message}");
            if !matches!(
                args.format,
                Some(Format::Json | Format::Sarif | Format::JsonLines | Format::Gitlab)
            ) {
                return Ok(0);
            }
            lint_api::Report {
                diagnostics: Vec::new(),
                sources: lint_source::SourceMap::new(),
                notes: Vec::new(),
                rule_times: Vec::new(),
                runs: 0,
            }
        }
        Err(e) => {
            if let lint_api::Error::NothingFound { notes, .. } = &e {
                for note in notes {
                    eprintln!("note: {note}");
                }
            }
            return Err(e.to_string());
        }
    };
    if progress {
        eprint!("{:60}\r", "");
    }
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    if let Some(baseline) = &baseline {
        let applied = baseline.apply(&mut report.diagnostics, &report.sources, &cwd);
        eprintln!(
            "note: {} finding{} of the baseline {} not shown{}",
            applied.hidden,
            if applied.hidden == 1 { "" } else { "s" },
            baseline.path().display(),
            if applied.stale > 0 {
                format!(
                    "; {} of its entries no longer occur (write it again to drop them)",
                    applied.stale
                )
            } else {
                String::new()
            }
        );
    }
    clock.lap("suppressions + config");

    let is_tty = std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if is_tty {
        Format::Pretty
    } else {
        Format::Concise
    });
    let color = is_tty && std::env::var_os("NO_COLOR").is_none();
    let resolver = render::Resolver::new(&report.sources, cwd.clone());
    render::render(format, out, &report.diagnostics, &resolver, &rules, color)
        .map_err(|e| e.to_string())?;
    clock.lap("render");
    if args.timings {
        eprint!(
            "{}",
            clock.report(
                &report.sources,
                &report.rule_times,
                report.diagnostics.len()
            )
        );
    }
    let failed = report.fails(fail_level);
    Ok(if failed && !args.exit_zero { 1 } else { 0 })
}

/// The settings of a run: the config file's, then the command line's on top.
/// The `--env KEY=VALUE` pairs.
fn env_values(args: &Args) -> Result<std::collections::BTreeMap<String, String>, String> {
    args.env
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| format!("--env {kv}: expected KEY=VALUE"))
        })
        .collect()
}

fn settings(args: &Args, cwd: &Path) -> Result<lint_api::Settings, String> {
    let mut settings = if args.no_config {
        lint_api::Settings::default()
    } else {
        let path = match &args.config {
            Some(p) => Some(p.clone()),
            None => {
                let start = args
                    .root
                    .clone()
                    .or_else(|| args.paths.first().cloned())
                    .unwrap_or_else(|| cwd.to_path_buf());
                lint_api::config::find(&start).or_else(|| lint_api::config::find(cwd))
            }
        };
        match path {
            Some(p) => lint_api::config::load(&p)?,
            None => lint_api::Settings::default(),
        }
    };
    for selector in args.select.iter().chain(&args.ignore) {
        if !lint_api::config::selects_any(selector) {
            return Err(format!("unknown rule code, prefix or name '{selector}'"));
        }
    }
    settings.select.extend(args.select.iter().cloned());
    settings.ignore.extend(args.ignore.iter().cloned());
    if let Some(v) = &args.nginx_version {
        settings.nginx_version = Some(v.clone());
    }
    if let Some(u) = &args.nginx_user {
        settings.nginx_user = Some(u.clone());
    }
    settings.env.extend(env_values(args)?);
    if !args.names.is_empty() {
        settings.names = args.names.clone();
    }
    Ok(settings)
}

/// What the command line asks to lint.
fn input(args: &Args) -> Result<lint_api::Input, String> {
    let nginx_dump = match &args.nginx_dump {
        None => None,
        Some(dump) => {
            let text = if dump.as_os_str() == "-" {
                let mut buf = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map_err(|e| format!("stdin: {e}"))?;
                buf
            } else {
                std::fs::read(dump).map_err(|e| format!("{}: {e}", dump.display()))?
            };
            Some((dump.clone(), text))
        }
    };
    let in_root = |paths: &[PathBuf]| -> Result<Vec<PathBuf>, String> {
        match &args.root {
            Some(root) => paths.iter().map(|p| inside_root(root, p)).collect(),
            None => Ok(paths.to_vec()),
        }
    };
    Ok(lint_api::Input {
        paths: args.paths.clone(),
        root: args.root.clone(),
        nginx: in_root(&args.nginx)?,
        fpm: in_root(&args.fpm)?,
        php_ini: in_root(&args.php_ini)?,
        nginx_dump,
        prefix: args.prefix.clone(),
        context: args.context.clone(),
        memory: None,
        buffers: None,
    })
}

/// A path given with `--root` as this machine names it (`--root copy --nginx
/// copy/etc/nginx/nginx.conf`, or its absolute form): the path inside the root
/// (`/etc/nginx/nginx.conf`). Paths are read under the root, so it was read at
/// `copy/copy/etc/...` and reported missing. A path that exists under the root as
/// written is left as it is. A file of this machine outside the root cannot be read
/// with it: said, rather than "open() failed" on a path the user never wrote.
fn inside_root(root: &Path, path: &Path) -> Result<PathBuf, String> {
    let rooted = root.join(path.strip_prefix("/").unwrap_or(path));
    if rooted.exists() {
        return Ok(path.to_path_buf());
    }
    let absolute = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        lint_source::vfs::normalize(&p)
    };
    match absolute(path).strip_prefix(absolute(root)) {
        Ok(rest) if path.exists() => Ok(Path::new("/").join(rest)),
        Err(_) if path.is_file() => Err(format!(
            "{}: with --root {}, files are read inside the root ({} does not exist); give the path as the machine names it (/etc/nginx/...), or lint the file without --root",
            path.display(),
            root.display(),
            rooted.display()
        )),
        _ => Ok(path.to_path_buf()),
    }
}

/// Writes every deployment's container files under `dir/<n>/{nginx,php-fpm}` with a
/// `deployment.json` describing main files and how nginx reaches php-fpm.
fn materialize_all(assembled: &deployment::Assembled, dir: &Path) -> Result<(), String> {
    const FILES_PER_MOUNT: usize = 10_000;
    for (n, d) in assembled.deployments.iter().enumerate() {
        let base = dir.join(n.to_string());
        let side = |s: &deployment::Side, name: &str| -> Result<serde_json::Value, String> {
            let root = base.join(name);
            s.fs.materialize(&root, FILES_PER_MOUNT)
                .map_err(|e| format!("{}: {e}", root.display()))?;
            Ok(serde_json::json!({
                "container": s.container,
                "image": s.image,
                "root": root,
                "main": s.main,
                "php_ini": s.php_ini,
                "nginx_user": s.nginx_user,
                "run_as": s.run_as,
            }))
        };
        let nginx = d.nginx.as_ref().map(|s| side(s, "nginx")).transpose()?;
        let fpm = d.fpm.as_ref().map(|s| side(s, "php-fpm")).transpose()?;
        let info = serde_json::json!({
            "name": d.name,
            "source": d.source,
            "nginx": nginx,
            "php-fpm": fpm,
            "shared_loopback": d.network.shared_loopback,
            "fpm_names": d.network.fpm_names,
            "other_names": d.network.other_names().collect::<Vec<_>>(),
            "shared_dirs": d.network.shared_dirs,
        });
        std::fs::create_dir_all(&base).map_err(|e| format!("{}: {e}", base.display()))?;
        std::fs::write(
            base.join("deployment.json"),
            serde_json::to_string_pretty(&info).map_err(|e| e.to_string())?,
        )
        .map_err(|e| format!("{}: {e}", base.display()))?;
    }
    Ok(())
}

// The README is a doctest too: its example compiles and runs with `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
