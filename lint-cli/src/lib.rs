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
        Some(Command::Deployments { path, materialize }) => {
            let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
            let repo = path.clone().unwrap_or_else(|| cwd.clone());
            if !repo.is_dir() {
                return Err(format!("{}: not a directory", repo.display()));
            }
            let repo = lint_source::vfs::normalize(&cwd.join(&repo));
            let assembled = deployment::assemble(&repo);
            write!(out, "{}", deployment::describe(&assembled, &repo))
                .map_err(|e| e.to_string())?;
            if let Some(dir) = materialize {
                materialize_all(&assembled, dir)?;
            }
            return Ok(0);
        }
        Some(Command::DumpTree { path }) => {
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
        None => {}
    }

    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let config = load_config(&args, &cwd, &rules)?;
    let plan = plan(&args, &config.file, &cwd)?;
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    if plan
        .inputs
        .iter()
        .all(|i| i.nginx.is_empty() && i.fpm.is_empty())
    {
        return Err(nothing_found(&args, &plan));
    }
    let progress = std::io::stderr().is_terminal();
    if progress {
        eprint!("linting {} deployment(s)...\r", plan.inputs.len());
    }
    let map = SourceMap::new();
    let mut clock = timings::Clock::new(args.timings);
    let mut diagnostics = Vec::new();
    let mut rule_times: Vec<lint_rules::RuleTime> = Vec::new();
    for input in &plan.inputs {
        let (found, times) =
            lint_rules::lint_observed(input, &map, &mut |phase| clock.lap(phase.name()));
        diagnostics.extend(found);
        // One row per rule across deployments.
        for t in times {
            match rule_times.iter_mut().find(|r| r.code == t.code) {
                Some(r) => {
                    r.time += t.time;
                    r.findings += t.findings;
                }
                None => rule_times.push(t),
            }
        }
    }
    // Advice about an image's own file is not the repository's to act on; its errors and
    // warnings still are (they describe what runs).
    diagnostics.retain(|d| {
        d.severity > Severity::Note
            || d.primary.as_ref().is_none_or(|p| {
                let f = map.get(p.span.file);
                !f.origin.as_deref().is_some_and(|o| o.contains(", stock "))
            })
    });
    if plan.inputs.len() > 1 {
        lint_rules::sort(&mut diagnostics, &map);
    }
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
            "other_names": d.network.other_names,
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

/// What one run lints: one input per deployment, and what to tell the user about them.
struct Plan {
    inputs: Vec<LintInput>,
    notes: Vec<String>,
    /// Where repository mode looked, for the "nothing found" message.
    searched: Vec<PathBuf>,
}

/// A directory that holds a copy of `/` (etc/nginx or etc/php) rather than a repository.
fn is_root_copy(dir: &Path) -> bool {
    // A repository that describes its deployments (Compose, a Dockerfile) is one, even
    // when it keeps its files in an etc/ folder.
    let describes = std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            deployment::compose::is_compose_name(&name)
                || deployment::dockerfile::is_dockerfile_name(&name)
        })
    });
    if describes {
        return false;
    }
    dir.join("etc/nginx/nginx.conf").is_file()
        || dir.join("etc/php").is_dir()
        || dir.join("etc/php-fpm.conf").is_file()
        || dir.join("usr/local/etc/php-fpm.conf").is_file()
}

/// The top of the repository a file belongs to (the nearest directory with `.git`), else
/// the current directory when the file lies under it, else the file's directory.
fn repository_of(file: &Path, cwd: &Path) -> PathBuf {
    let absolute = if file.is_absolute() {
        file.to_path_buf()
    } else {
        cwd.join(file)
    };
    let mut dir = absolute.parent();
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    if absolute.starts_with(cwd) {
        cwd.to_path_buf()
    } else {
        absolute.parent().unwrap_or(cwd).to_path_buf()
    }
}

fn plan(args: &Args, file: &config::ConfigFile, cwd: &Path) -> Result<Plan, String> {
    let mut plan = Plan {
        inputs: Vec::new(),
        notes: Vec::new(),
        searched: Vec::new(),
    };
    // Repository mode: directories that are not copies of /, and changed files.
    let mut classic_paths = Vec::new();
    let mut repos: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    if args.root.is_none() {
        for p in &args.paths {
            if p.is_dir() {
                if is_root_copy(p) {
                    classic_paths.push(p.clone());
                } else {
                    repos.entry(p.clone()).or_default();
                }
            } else if p.is_file() {
                let absolute = if p.is_absolute() {
                    p.clone()
                } else {
                    cwd.join(p)
                };
                match deployment::repository::classify_path(&absolute) {
                    Some(_) => repos
                        .entry(repository_of(p, cwd))
                        .or_default()
                        .push(lint_source::vfs::normalize(&absolute)),
                    None => plan.notes.push(format!(
                        "{}: not nginx, php-fpm, php.ini, Compose, Dockerfile or Kubernetes configuration; skipped",
                        p.display()
                    )),
                }
            } else {
                return Err(format!("{}: No such file or directory", p.display()));
            }
        }
    } else {
        classic_paths = args.paths.clone();
    }
    for (repo, changed) in &repos {
        plan.searched.push(repo.clone());
        let repo_abs = if repo.is_absolute() {
            repo.clone()
        } else {
            cwd.join(repo)
        };
        let repo_abs = lint_source::vfs::normalize(&repo_abs);
        let mut overrides: BTreeMap<String, String> = file.env.clone();
        for kv in &args.env {
            if let Some((k, v)) = kv.split_once('=') {
                overrides.insert(k.to_string(), v.to_string());
            }
        }
        let assembled = deployment::assemble_with(&repo_abs, &overrides);
        for (path, why) in &assembled.skipped {
            if changed.is_empty() || changed.contains(path) {
                plan.notes.push(format!("{}: {why}", shown_path(path, cwd)));
            }
        }
        for d in &assembled.deployments {
            if !changed.is_empty() && !changed.iter().any(|c| d.uses(c)) {
                continue;
            }
            for note in &d.notes {
                plan.notes.push(format!("[{}] {note}", d.name));
            }
            let mut input = d.lint_input();
            apply_options(&mut input, args, file, true)?;
            plan.inputs.push(input);
        }
    }
    let classic = !classic_paths.is_empty()
        || !args.nginx.is_empty()
        || !args.fpm.is_empty()
        || args.nginx_dump.is_some()
        || (args.paths.is_empty() && repos.is_empty())
        || args.root.is_some();
    if classic {
        plan.inputs.push(build_input(args, file, &classic_paths)?);
    }
    plan.notes.sort();
    plan.notes.dedup();
    Ok(plan)
}

fn shown_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.display().to_string())
}

fn nothing_found(args: &Args, plan: &Plan) -> String {
    if !plan.searched.is_empty() {
        let places: Vec<String> = plan
            .searched
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return format!(
            "no nginx or php-fpm configuration found in {} (searched every file not ignored by .gitignore: Compose files, Dockerfiles, Kubernetes manifests, nginx and php-fpm files).\n\
             Name the files directly:  nginx-fpm-lint --nginx FILE --fpm FILE",
            places.join(", ")
        );
    }
    let place = args
        .root
        .as_ref()
        .map_or("this machine".to_string(), |r| r.display().to_string());
    format!(
        "no nginx or php-fpm configuration found on {place} (looked for etc/nginx/nginx.conf and etc/php/*/fpm/php-fpm.conf).\n\
         In a repository, run it on the repository's top:  nginx-fpm-lint .\n\
         Or name the files:  nginx-fpm-lint --nginx FILE --fpm FILE"
    )
}

fn build_input(
    args: &Args,
    file: &config::ConfigFile,
    paths: &[PathBuf],
) -> Result<LintInput, String> {
    let root = args.root.as_deref();
    if let Some(r) = root {
        if !r.is_dir() {
            return Err(format!("--root {}: not a directory", r.display()));
        }
    }
    let explicit = !paths.is_empty()
        || !args.nginx.is_empty()
        || !args.fpm.is_empty()
        || args.nginx_dump.is_some();
    let mut input = if explicit {
        LintInput::default()
    } else {
        discover::discover(root)
    };
    input.options.root = args.root.clone();
    discover::add_paths(&mut input, paths, root)?;
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
    apply_options(&mut input, args, file, false)?;
    // The version that runs, when nobody said: the root's packages, or this machine's nginx.
    if input.options.nginx_version.is_none() {
        input.options.nginx_version = match &input.options.root {
            Some(root) => discover::root_nginx_version(root),
            None if !explicit => discover::machine_nginx_version(),
            None => None,
        };
    }
    Ok(input)
}

/// Options from the command line and the config file. In a deployment, the version its
/// image runs stands unless one is given explicitly.
fn apply_options(
    input: &mut LintInput,
    args: &Args,
    file: &config::ConfigFile,
    deployment: bool,
) -> Result<(), String> {
    let o = &mut input.options;
    o.nginx_prefix = args.prefix.clone();
    o.context = args.context.clone();
    if let Some(v) = args
        .nginx_version
        .clone()
        .or_else(|| file.nginx_version.clone())
    {
        o.nginx_version = Some(v);
    } else if !deployment {
        o.nginx_version = None;
    }
    if let Some(v) = &o.nginx_version {
        if nginx_conf_parser::catalogue::NginxVersion::parse(v).is_none() {
            return Err(format!(
                "--nginx-version {v}: expected a version like 1.22, 1.24, 1.27 or latest"
            ));
        }
    }
    if let Some(user) = args.nginx_user.clone().or_else(|| file.nginx_user.clone()) {
        o.nginx_user = Some(user);
    }
    o.modules.extend(file.modules.iter().cloned());
    let mut env: BTreeMap<String, String> = std::mem::take(&mut o.env);
    env.extend(file.env.clone());
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
    Ok(())
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
        let selected = select.iter().any(|s| config::selects(s, d.code, d.name));
        if !select.is_empty() && !selected {
            return false;
        }
        // Advice-only and overlapping gixy checks run when asked for (`--select SEC`).
        if lint_rules::is_opt_in(d.code) && !selected {
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
