//! gixy's own test suite as the oracle for the security rules (issue #17).
//!
//! gixy-next 0.9.0's source distribution (MPL-2.0) is downloaded from PyPI at test time,
//! never vendored. Each of its fixture directories `tests/plugins/simply/<plugin>/`
//! whose plugin is an alias of one of our rules is linted file by file, snippets in the
//! context their first directives call for (`--context auto`): a file not ending
//! `_fp.conf` must get at least one finding of the mapped code, an `_fp.conf` file none.
//! `# Options: {...}` headers become rule options (same names as gixy's). Every
//! disagreement must be listed in [`DELIBERATE`] with the reason gixy is wrong, and
//! agreement over the mapped plugins must be at least 97 %.
//!
//! Without pip or the network the test prints why and passes without checking (in CI,
//! where `CI` is set, it fails instead);
//! `GIXY_NEXT_DIR=/path/to/gixy_next-0.9.0` uses an unpacked copy instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use lint_rules::{LintInput, LintOptions, NginxInput, RuleOption};
use lint_source::SourceMap;

const VERSION: &str = "0.9.0";
/// gixy-ng release whose integration configs must stay silent.
const GIXY_NG_VERSION: &str = "0.2.59";

/// Fixtures where we deliberately disagree with gixy: (plugin, file, why nginx shows
/// that our answer is right). A listed fixture that agrees is a stale entry and fails.
const DELIBERATE: &[(&str, &str, &str)] = &[
    (
        "add_header_content_type",
        "more_set_headers.conf",
        "headers-more's more_set_headers replaces the header (its README sets Content-Type \
         this way); live, nginx 1.22.1 with libnginx-mod-http-headers-more-filter 0.34 sends \
         one Content-Type for it and two for add_header (centminmod's acme-challenge locations)",
    ),
    (
        "status_page_exposed",
        "status_page_exposed_unix_and_tcp.conf",
        "every listen is a unix socket or 127.0.0.1: nginx binds only the loopback address, \
         so no other host can connect (hestiacp serves its status page this way; SEC052's \
         own fix names a loopback listener)",
    ),
    (
        "status_page_exposed",
        "status_page_exposed_ipv6_universal_allow_hostname_listen.conf",
        "`listen localhost:80`: nginx binds what localhost resolves to, 127.0.0.1 and ::1, \
         both loopback: whatever the family, no other host can connect",
    ),
    (
        "default_server_flag",
        "ambiguous_stream_socket.conf",
        "two stream servers on one port: nginx 1.22.1 refuses them (duplicate \"127.0.0.1:12345\" address and port pair, shown with libnginx-mod-stream); stream has no server_name, so no default server, before 1.25.5; NGX102 reads http servers",
    ),
    (
        "http_splitting",
        "mapped_value.conf",
        "the map's regex captures from `$host`, which cannot hold CR or LF: nginx rejects \
         them in the request line and in header values (and `ngx_http_validate_host` \
         refuses a `/` in the host, so `~*/(.*)` never even matches it)",
    ),
    (
        "ssrf",
        "vars_from_loc.conf",
        "it sets `$scheme` and `$host`, which nginx refuses to `set` (nginx 1.22 -t: \
         the duplicate \"host\" variable): the configuration never loads, and in one that \
         does those variables are nginx's own",
    ),
    (
        "invalid_regex",
        "unparseable_provider_fp.conf",
        "the only regex in scope, ^/(?>atomic)x, has no capture group (PCRE2 counts 0): $1 is always empty; gixy is silent because it cannot parse atomic groups",
    ),
    (
        "unanchored_regex",
        "escaped_backslash_z.conf",
        "nginx turns \\\\ into \\ when it reads a word, so PCRE gets /v1/.+\\z, an end anchor: nginx 1.22.1 serves /v1/ab from that location",
    ),
    (
        "unanchored_regex",
        "unparseable_regex_fp.conf",
        "(?>atomic)/v1 is valid PCRE without ^ or $: nginx 1.22.1 serves /x/atomic/v1/ from it; gixy is silent because it cannot parse atomic groups",
    ),
];

/// Fixtures that are not nginx configuration at all: skipped.
fn is_nginx(first_line: &str) -> bool {
    !first_line.trim_start().starts_with("//")
}

/// The unpacked sdist of gixy-next, downloading it once into the target directory.
fn gixy_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("GIXY_NEXT_DIR") {
        return Ok(PathBuf::from(dir));
    }
    sdist("gixy-next", "gixy_next", VERSION, "tests/plugins/simply")
}

/// The unpacked source distribution `module-version` of a PyPI package, downloaded with
/// pip into the target directory once; `probe` is a path it must contain.
fn sdist(package: &str, module: &str, version: &str, probe: &str) -> Result<PathBuf, String> {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gixy-oracle");
    let unpacked = cache.join(format!("{module}-{version}"));
    if unpacked.join(probe).exists() {
        return Ok(unpacked);
    }
    std::fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let archive = cache.join(format!("{module}-{version}.tar.gz"));
    if !archive.is_file() {
        let spec = format!("{package}=={version}");
        let args = [
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--disable-pip-version-check",
            spec.as_str(),
            "-d",
        ];
        let mut why = Vec::new();
        let mut fetched = false;
        for (program, prefix) in [
            ("pip", &[][..]),
            ("pip3", &[][..]),
            ("python3", &["-m", "pip"][..]),
        ] {
            match Command::new(program)
                .args(prefix)
                .args(args)
                .arg(&cache)
                .output()
            {
                Ok(out) if out.status.success() => {
                    fetched = true;
                    break;
                }
                Ok(out) => why.push(format!(
                    "{program}: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )),
                Err(e) => why.push(format!("{program}: {e}")),
            }
        }
        if !fetched || !archive.is_file() {
            return Err(format!("pip download {spec} failed: {}", why.join("; ")));
        }
    }
    let out = Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&cache)
        .output()
        .map_err(|e| format!("tar: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "tar xzf {}: {}",
            archive.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(unpacked)
}

/// `# Options: {"domains": ["a.com"], "https_only": true}` as rule options.
fn options_of(first_line: &str) -> BTreeMap<String, RuleOption> {
    let mut out = BTreeMap::new();
    let Some(json) = first_line.strip_prefix("# Options:") else {
        return out;
    };
    let value: serde_json::Value =
        serde_json::from_str(json.trim()).unwrap_or_else(|e| panic!("{first_line}: {e}"));
    for (key, v) in value.as_object().into_iter().flatten() {
        let option = match v {
            serde_json::Value::Bool(b) => RuleOption::Bool(*b),
            serde_json::Value::String(s) => RuleOption::Words(vec![s.clone()]),
            serde_json::Value::Array(items) => RuleOption::Words(
                items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect(),
            ),
            other => RuleOption::Words(vec![other.to_string()]),
        };
        out.insert(key.clone(), option);
    }
    out
}

/// Whether our rule `code` reports anything in the fixture.
fn flags(path: &Path, code: &str, options: BTreeMap<String, RuleOption>) -> bool {
    let mut lint_options = LintOptions {
        context: Some("auto".into()),
        ..LintOptions::default()
    };
    if !options.is_empty() {
        lint_options.rule_options.insert(code.to_string(), options);
    }
    // gixy reads `nginx -T` output (`# configuration file ...:` markers) as the dump it
    // is: each file in its place, includes resolved between them.
    let text = std::fs::read(path).unwrap_or_default();
    let nginx = if String::from_utf8_lossy(&text).contains("\n# configuration file ")
        || text.starts_with(b"# configuration file ")
    {
        NginxInput::Dump {
            name: path.to_path_buf(),
            text,
        }
    } else {
        NginxInput::File(path.to_path_buf())
    };
    let input = LintInput {
        nginx: vec![nginx],
        options: lint_options,
        ..LintInput::default()
    };
    let map = SourceMap::new();
    lint_rules::lint(&input, &map)
        .iter()
        .any(|d| d.code == code)
}

#[derive(Default)]
struct Row {
    code: &'static str,
    fixtures: usize,
    agree: usize,
    disagree: usize,
}

#[test]
fn gixy_fixtures_agree() {
    let dir = match gixy_dir() {
        Ok(d) => d,
        Err(why) => {
            assert!(std::env::var_os("CI").is_none(), "CI must run this: {why}");
            eprintln!("gixy oracle skipped: {why}");
            return;
        }
    };
    let simply = dir.join("tests/plugins/simply");
    // plugin → our code, from the rules' aliases.
    let mapping: BTreeMap<&'static str, &'static str> = lint_cli::all_rules()
        .into_iter()
        .flat_map(|r| r.aliases.iter().map(move |a| (*a, r.code)))
        .collect();
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut skipped = Vec::new();
    let mut plugins: Vec<PathBuf> = std::fs::read_dir(&simply)
        .unwrap_or_else(|e| panic!("{}: {e}", simply.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    plugins.sort();
    let unmapped: Vec<String> = plugins
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|p| !mapping.contains_key(p.as_str()))
        .collect();
    for plugin_dir in &plugins {
        let plugin = plugin_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(code) = mapping.get(plugin.as_str()) else {
            continue;
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(plugin_dir)
            .unwrap_or_else(|e| panic!("{}: {e}", plugin_dir.display()))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "conf"))
            .collect();
        files.sort();
        let row = rows.entry(plugin.clone()).or_insert_with(|| Row {
            code,
            ..Row::default()
        });
        for file in files {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let first = text.lines().next().unwrap_or("");
            if !is_nginx(first) {
                skipped.push(format!("{plugin}/{name}"));
                continue;
            }
            let expected = !name.ends_with("_fp.conf");
            let got = flags(&file, code, options_of(first));
            row.fixtures += 1;
            let listed = DELIBERATE
                .iter()
                .any(|(p, f, _)| *p == plugin && *f == name);
            if got == expected {
                row.agree += 1;
                if listed {
                    unexpected.push(format!(
                        "{plugin}/{name}: listed in DELIBERATE but now agrees with gixy (remove the entry)"
                    ));
                }
            } else {
                row.disagree += 1;
                if !listed {
                    unexpected.push(format!(
                        "{plugin}/{name}: gixy {}, {code} {}",
                        if expected { "flags it" } else { "is silent" },
                        if got { "flags it" } else { "is silent" },
                    ));
                }
            }
        }
    }
    println!(
        "{:<34} {:<8} {:>8} {:>6} {:>9}",
        "plugin", "code", "fixtures", "agree", "disagree"
    );
    let (mut total, mut agree) = (0, 0);
    for (plugin, row) in &rows {
        println!(
            "{:<34} {:<8} {:>8} {:>6} {:>9}",
            plugin, row.code, row.fixtures, row.agree, row.disagree
        );
        total += row.fixtures;
        agree += row.agree;
    }
    println!(
        "{:<34} {:<8} {:>8} {:>6} {:>9}",
        "total",
        "",
        total,
        agree,
        total - agree
    );
    println!("skipped (not nginx): {}", skipped.join(", "));
    println!("gixy plugins not mapped yet: {}", unmapped.join(", "));
    for (plugin, file, why) in DELIBERATE {
        println!("deliberate: {plugin}/{file}: {why}");
    }
    assert!(
        unexpected.is_empty(),
        "disagreements with gixy not listed as deliberate:\n{}",
        unexpected.join("\n")
    );
    if total > 0 {
        let rate = agree as f64 / total as f64;
        assert!(
            rate >= 0.97,
            "agreement {agree}/{total} = {:.1} % is below 97 %",
            rate * 100.0
        );
    }
}

/// The mapping the oracle uses is the aliases: each names one gixy plugin, once.
#[test]
fn aliases_name_each_plugin_once() {
    let mut seen = BTreeMap::new();
    for rule in lint_cli::all_rules() {
        for alias in rule.aliases {
            assert!(
                alias
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{}: alias {alias} is not a gixy plugin name",
                rule.code
            );
            if let Some(other) = seen.insert(*alias, rule.code) {
                panic!("{alias} is an alias of both {other} and {}", rule.code);
            }
        }
    }
}

/// gixy-ng's own "no false positives" suite: real, properly secured configurations
/// (tests/integration of its sdist) on which no security rule may fire.
#[test]
fn gixy_ng_integration_configs_stay_silent() {
    let dir = match sdist("gixy-ng", "gixy_ng", GIXY_NG_VERSION, "tests/integration") {
        Ok(d) => d.join("tests/integration"),
        Err(why) => {
            assert!(std::env::var_os("CI").is_none(), "CI must run this: {why}");
            eprintln!("gixy-ng integration configs skipped: {why}");
            return;
        }
    };
    let mut configs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/integration")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    configs.sort();
    assert!(!configs.is_empty(), "no configs in {}", dir.display());
    let mut noisy = Vec::new();
    for path in &configs {
        let input = LintInput {
            nginx: vec![NginxInput::File(path.clone())],
            options: LintOptions {
                context: Some("auto".into()),
                ..LintOptions::default()
            },
            ..LintInput::default()
        };
        let map = SourceMap::new();
        for d in lint_rules::lint(&input, &map) {
            if d.code.starts_with("SEC") {
                noisy.push(format!("{}: {} {}", path.display(), d.code, d.message));
            }
        }
    }
    eprintln!("gixy-ng integration configs: {} linted", configs.len());
    assert!(
        noisy.is_empty(),
        "security findings on gixy-ng's clean configs:\n{}",
        noisy.join("\n")
    );
}
