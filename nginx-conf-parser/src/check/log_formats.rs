//! `unknown log format "main"`: nginx looks the format of an `access_log` up when it
//! reads the directive, among the `log_format`s read before it (and the built-in
//! `combined`), so a format defined later, or only in a commented-out line, fails.

use foldhash::HashSet;

use lint_source::Diagnostic;

use super::codes::INVALID_VALUE;
use crate::config::{Config, Item, Items};

/// Blocks whose statements are entries, not directives (`map` keys, `types`, ...): the
/// walks of http's directives do not descend into them.
pub(super) const ENTRY_BLOCKS: &[&str] = &[
    "map",
    "geo",
    "types",
    "split_clients",
    "charset_map",
    "upstream",
    "match",
];

/// Checks every `access_log` of every `http` block, in the order nginx reads them; the
/// same walk gathers the passes of [`super::pass_ports`] and, when `zones_out` is given,
/// the shared memory zones of [`super::shared_zones`] (reported there).
pub(super) fn check(
    config: &Config,
    out: &mut Vec<Diagnostic>,
    mut zones_out: Option<&mut Vec<Diagnostic>>,
) {
    for http in config.items().filter(|i| i.is("http") && i.is_block()) {
        // nginx compares format names case-insensitively.
        let mut known: HashSet<String> = ["combined".to_string()].into_iter().collect();
        let mut names: HashSet<String> = ["combined".to_string()].into_iter().collect();
        let mut passes = super::pass_ports::Passes::default();
        let mut zones = super::shared_zones::Zones::default();
        let mut stack: Vec<Items<'_>> = vec![http.children()];
        while let Some(top) = stack.last_mut() {
            let Some(item) = top.next() else {
                stack.pop();
                continue;
            };
            passes.observe(&item);
            if zones_out.is_some() {
                zones.observe(&item);
            }
            if item.is("log_format") {
                if let Some(name) = item.arg(0) {
                    // ngx_http_log_set_format compares names exactly (`main` and `MAIN`
                    // are two formats), `combined` among them.
                    if !names.insert(name.to_string()) {
                        out.push(
                            Diagnostic::new(
                                &INVALID_VALUE,
                                item.arg_span(0),
                                format!("duplicate \"log_format\" name \"{name}\""),
                            )
                            .with_help("give the format another name, or remove one of them"),
                        );
                    }
                    known.insert(name.to_ascii_lowercase());
                }
            } else if item.is("access_log") {
                unknown_format(&item, &known, out);
            }
            if item.is_block() && !ENTRY_BLOCKS.iter().any(|b| item.is(b)) {
                stack.push(item.children());
            }
        }
        passes.report(out);
        if let Some(zones_out) = zones_out.as_deref_mut() {
            zones.report(zones_out);
        }
    }
}

fn unknown_format(item: &Item<'_>, known: &HashSet<String>, out: &mut Vec<Diagnostic>) {
    // `access_log off;` and `access_log PATH;` (combined) name no format; the third word
    // is the format, whatever it looks like (`buffer=32k` there is a format name too).
    let Some(format) = item.arg(1) else { return };
    if item.arg(0).is_some_and(|p| p == "off") || known.contains(&format.to_ascii_lowercase()) {
        return;
    }
    out.push(
        Diagnostic::new(
            &INVALID_VALUE,
            item.arg_span(1),
            format!("unknown log format \"{format}\""),
        )
        .with_help("define it with `log_format` in http before the first access_log that uses it"),
    );
}
