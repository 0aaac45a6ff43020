//! The command line of nginx-fpm-lint: arguments, discovery, the config file,
//! inline suppressions, renderers and exit codes. The only crate that
//! touches stdout and the exit code.
#![forbid(unsafe_code)]

pub mod args;
pub mod codes;
pub mod config;
pub mod discover;
pub mod render;
mod suppress;
mod timings;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use lint_rules::{LintInput, NginxInput};
use lint_source::{Diagnostic, RuleMeta, Severity, SourceMap};

use args::{Args, Command, FailLevel, Format};

/// Every code the tool can emit, with the command line's own.
pub fn all_rules() -> Vec<&'static RuleMeta> {
    let mut rules = lint_rules::all_rules();
    rules.extend(codes::RULES.iter().copied());
    rules
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
        Some(Command::DumpTree { path }) => {
            let map = SourceMap::new();
            let opts = nginx_conf_parser::LoadOptions {
                root: args.root.clone(),
                prefix: args.prefix.clone(),
            };
            let config = nginx_conf_parser::load(path, &opts, &map);
            write!(out, "{}", nginx_conf_parser::debug_tree(&config, &map))
                .map_err(|e| e.to_string())?;
            for d in &config.diagnostics {
                eprintln!("{}: {}", d.code, d.message);
            }
            return Ok(0);
        }
        None => {}
    }

    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let config = load_config(&args, &cwd, &rules)?;
    let input = build_input(&args, &config.file)?;
    if input.nginx.is_empty() && input.fpm.is_empty() {
        let place = args
            .root
            .as_ref()
            .map_or("this machine".to_string(), |r| r.display().to_string());
        return Err(format!(
            "no nginx or php-fpm configuration found on {place} (looked for etc/nginx/nginx.conf and etc/php/*/fpm/php-fpm.conf).\n\
             Try the bundled broken example:  nginx-fpm-lint --root fixtures/example"
        ));
    }
    let progress = std::io::stderr().is_terminal() && input.nginx.len() + input.fpm.len() > 0;
    if progress {
        eprint!(
            "linting {} nginx and {} php-fpm tree(s)...\r",
            input.nginx.len(),
            input.fpm.len()
        );
    }
    let map = SourceMap::new();
    let mut clock = timings::Clock::new(args.timings);
    let (diagnostics, rule_times) =
        lint_rules::lint_observed(&input, &map, &mut |phase| clock.lap(phase.name()));
    if progress {
        eprint!("{:60}\r", "");
    }
    let diagnostics = suppress::apply(diagnostics, &map);
    let base = cwd.clone();
    let diagnostics = apply_config(diagnostics, &args, &config, &map, &base);
    clock.lap("suppressions + config");

    let is_tty = std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if is_tty {
        Format::Pretty
    } else {
        Format::Concise
    });
    let color = is_tty && std::env::var_os("NO_COLOR").is_none();
    let resolver = render::Resolver::new(&map, base);
    render::render(format, out, &diagnostics, &resolver, &rules, color)
        .map_err(|e| e.to_string())?;
    clock.lap("render");
    if args.timings {
        eprint!("{}", clock.report(&map, &rule_times, diagnostics.len()));
    }

    let level = config
        .file
        .fail_level
        .as_deref()
        .and_then(config::parse_severity)
        .unwrap_or(match args.fail_level {
            FailLevel::Error => Severity::Error,
            FailLevel::Warning => Severity::Warning,
            FailLevel::Note => Severity::Note,
        });
    let failed = diagnostics.iter().any(|d| d.severity >= level);
    Ok(if failed && !args.exit_zero { 1 } else { 0 })
}

fn load_config(
    args: &Args,
    cwd: &Path,
    rules: &[&'static RuleMeta],
) -> Result<config::LoadedConfig, String> {
    if args.no_config {
        return Ok(config::LoadedConfig::default());
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => {
            let start = args
                .root
                .clone()
                .or_else(|| args.paths.first().cloned())
                .unwrap_or_else(|| cwd.to_path_buf());
            config::find(&start).or_else(|| config::find(cwd))
        }
    };
    match path {
        Some(p) => config::load(&p, rules),
        None => Ok(config::LoadedConfig::default()),
    }
}

fn build_input(args: &Args, file: &config::ConfigFile) -> Result<LintInput, String> {
    let root = args.root.as_deref();
    if let Some(r) = root {
        if !r.is_dir() {
            return Err(format!("--root {}: not a directory", r.display()));
        }
    }
    let explicit = !args.paths.is_empty()
        || !args.nginx.is_empty()
        || !args.fpm.is_empty()
        || args.nginx_dump.is_some();
    let mut input = if explicit {
        LintInput::default()
    } else {
        discover::discover(root)
    };
    input.options.root = args.root.clone();
    discover::add_paths(&mut input, &args.paths, root)?;
    // Disk facts are true for a root (given, or a directory argument that mirrors /), and
    // for this machine when its own trees are linted.
    input.options.disk_root = input
        .options
        .root
        .clone()
        .or_else(|| (!explicit).then(|| PathBuf::from("/")));
    input
        .nginx
        .extend(args.nginx.iter().cloned().map(NginxInput::File));
    input.fpm.extend(args.fpm.iter().cloned());
    input.php_ini.extend(args.php_ini.iter().cloned());
    if let Some(dump) = &args.nginx_dump {
        let text = if dump.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("stdin: {e}"))?;
            buf
        } else {
            std::fs::read(dump).map_err(|e| format!("{}: {e}", dump.display()))?
        };
        input.nginx.push(NginxInput::Dump {
            name: dump.clone(),
            text,
        });
    }
    let o = &mut input.options;
    o.nginx_prefix = args.prefix.clone();
    o.context = args.context.clone();
    o.nginx_version = args
        .nginx_version
        .clone()
        .or_else(|| file.nginx_version.clone());
    if let Some(v) = &o.nginx_version {
        if nginx_conf_parser::catalogue::NginxVersion::parse(v).is_none() {
            return Err(format!("--nginx-version {v}: expected 1.22 ... latest"));
        }
    }
    o.nginx_user = args.nginx_user.clone().or_else(|| file.nginx_user.clone());
    o.modules = file.modules.clone();
    let mut env: BTreeMap<String, String> = file.env.clone();
    for kv in &args.env {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| format!("--env {kv}: expected KEY=VALUE"))?;
        env.insert(k.to_string(), v.to_string());
    }
    o.env = env;
    o.expected_names = if args.names.is_empty() {
        file.names.clone()
    } else {
        args.names.clone()
    };
    Ok(input)
}

fn apply_config(
    mut diagnostics: Vec<Diagnostic>,
    args: &Args,
    config: &config::LoadedConfig,
    map: &SourceMap,
    base: &Path,
) -> Vec<Diagnostic> {
    let file = &config.file;
    let select: Vec<String> = args
        .select
        .iter()
        .cloned()
        .chain(file.select.iter().map(|s| s.get_ref().clone()))
        .collect();
    let ignore: Vec<String> = args
        .ignore
        .iter()
        .cloned()
        .chain(file.ignore.iter().map(|s| s.get_ref().clone()))
        .collect();
    let config_dir: PathBuf = config
        .path
        .as_ref()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| base.to_path_buf());
    let per_path: Vec<(globset::GlobMatcher, Vec<String>)> = file
        .per_path_ignores
        .iter()
        .filter_map(|(glob, codes)| {
            let m = globset::Glob::new(glob).ok()?.compile_matcher();
            Some((m, codes.iter().map(|c| c.get_ref().clone()).collect()))
        })
        .collect();
    diagnostics.retain(|d| {
        if !select.is_empty() && !select.iter().any(|s| config::selects(s, d.code, d.name)) {
            return false;
        }
        if ignore.iter().any(|s| config::selects(s, d.code, d.name)) {
            return false;
        }
        if let Some(p) = &d.primary {
            let f = map.get(p.span.file);
            let shown = f.disk_path.clone().unwrap_or_else(|| f.path.clone());
            let rel = shown
                .strip_prefix(&config_dir)
                .map(Path::to_path_buf)
                .unwrap_or(shown);
            let logical = f
                .path
                .strip_prefix("/")
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| f.path.clone());
            for (m, codes) in &per_path {
                if (m.is_match(&rel) || m.is_match(&logical))
                    && codes.iter().any(|c| config::selects(c, d.code, d.name))
                {
                    return false;
                }
            }
        }
        true
    });
    for d in &mut diagnostics {
        for (code, level) in &file.severity {
            if d.code == code.get_ref() || d.name == code.get_ref() {
                if let Some(s) = config::parse_severity(level.get_ref()) {
                    d.severity = s;
                }
            }
        }
    }
    diagnostics
}
