//! The buffer relations nginx checks when it merges each level, for each upstream
//! module that buffers responses (fastcgi, proxy, uwsgi, scgi):
//! `*_busy_buffers_size` at least one buffer (and the header buffer), and less than
//! all buffers minus one. The module's merge_loc_conf checks the child it merges into:
//! each server's values (http's merged in) and each location's; the http block's own
//! values are never a child, so they fail only through a server that keeps them (an
//! http value every server overrides is accepted: triage AP, FP-3). nginx reports the
//! failure at the end of http, where the merge runs.

use lint_source::{Diagnostic, Span};

use super::codes::BUFFER_RELATIONS;
use super::values::parse_size;
use crate::config::{Config, Item};

/// The modules with the same three directives and the same checks in their merge.
const MODULES: &[&str] = &["fastcgi", "proxy", "uwsgi", "scgi"];

/// x86_64's page size: nginx's default for `*_buffer_size` and each buffer (8 of them).
const PAGE: u64 = 4096;

#[derive(Clone, Copy)]
struct Buffers {
    header: (u64, Option<Span>),
    count: u64,
    size: u64,
    buffers_at: Option<Span>,
    busy: Option<(u64, Span)>,
}

impl Default for Buffers {
    fn default() -> Self {
        Buffers {
            header: (PAGE, None),
            count: 8,
            size: PAGE,
            buffers_at: None,
            busy: None,
        }
    }
}

/// The names of one module's directives.
struct Names {
    module: &'static str,
    header: String,
    buffers: String,
    busy: String,
}

fn apply(item: &Item<'_>, n: &Names, b: &mut Buffers) {
    if item.is(&n.header) {
        if let Some(v) = item.arg(0).and_then(|a| parse_size(&a)) {
            b.header = (v, Some(item.span()));
        }
    } else if item.is(&n.buffers) {
        if let (Some(count), Some(size)) = (
            item.arg(0).and_then(|a| a.parse().ok()),
            item.arg(1).and_then(|a| parse_size(&a)),
        ) {
            b.count = count;
            b.size = size;
            b.buffers_at = Some(item.span());
        }
    } else if item.is(&n.busy) {
        if let Some(v) = item.arg(0).and_then(|a| parse_size(&a)) {
            b.busy = Some((v, item.span()));
        }
    }
}

/// Checks every level of every `http` block, for every module in one walk (a walk per
/// module spliced the includes of a large tree four times).
pub fn check(config: &Config, out: &mut Vec<Diagnostic>) {
    let names: Vec<Names> = MODULES
        .iter()
        .map(|module| Names {
            module,
            header: format!("{module}_buffer_size"),
            buffers: format!("{module}_buffers"),
            busy: format!("{module}_busy_buffers_size"),
        })
        .collect();
    let mut reported: Vec<foldhash::HashSet<Span>> = vec![Default::default(); MODULES.len()];
    for http in config.items().filter(|i| i.is("http") && i.is_block()) {
        let close = Span {
            file: http.directive.span.file,
            start: http.directive.span.end.saturating_sub(1),
            end: http.directive.span.end,
        };
        let start = [Buffers::default(); MODULES.len()];
        let mut stack: Vec<(Item<'_>, [Buffers; MODULES.len()])> = vec![(http, start)];
        while let Some((block, inherited)) = stack.pop() {
            let mut here = inherited;
            let mut children = Vec::new();
            for item in block.children() {
                // Every directive of these names has "buffer" in it.
                if item
                    .file
                    .bytes(&item.directive.name)
                    .windows(6)
                    .any(|w| w == b"buffer")
                {
                    for (n, b) in names.iter().zip(here.iter_mut()) {
                        apply(&item, n, b);
                    }
                }
                if (item.is("server") || item.is("location")) && item.is_block() {
                    children.push(item);
                }
            }
            if !block.is("http") {
                for ((n, b), reported) in names.iter().zip(here.iter()).zip(reported.iter_mut()) {
                    check_level(n, b, &block, close, reported, out);
                }
            }
            for child in children.into_iter().rev() {
                stack.push((child, here));
            }
        }
    }
}

/// The relations of one module at one level, reported once per statement.
fn check_level(
    n: &Names,
    here: &Buffers,
    block: &Item<'_>,
    close: Span,
    reported: &mut foldhash::HashSet<Span>,
    out: &mut Vec<Diagnostic>,
) {
    let m = n.module;
    let one = here.header.0.max(here.size);
    let (busy, at) = match here.busy {
        Some((v, span)) => (v, Some(span)),
        None => (one.saturating_mul(2), None),
    };
    let primary = at.or(here.header.1).or(here.buffers_at);
    let problem = if here.busy.is_some() && busy < one {
        Some(format!("\"{m}_busy_buffers_size\" must be equal to or greater than the maximum of the value of \"{m}_buffer_size\" and one of the \"{m}_buffers\""))
    } else if busy > here.count.saturating_sub(1).saturating_mul(here.size) {
        Some(format!("\"{m}_busy_buffers_size\" must be less than the size of all \"{m}_buffers\" minus one buffer"))
    } else {
        None
    };
    if let (Some(message), Some(span)) = (problem, primary) {
        if reported.insert(span) {
            let mut d = Diagnostic::new(&BUFFER_RELATIONS, span, message)
                .with_label(format!("busy buffers {busy} bytes; {} buffers of {} bytes; header buffer {} bytes", here.count, here.size, here.header.0))
                .with_related(close, "nginx reports it at the end of http")
                .with_help(format!("e.g. `{m}_buffers 16 {}k;` keeps busy buffers ({}k) below all buffers minus one", one / 1024, one.saturating_mul(2) / 1024));
            if let Some(b) = here.buffers_at.filter(|b| Some(*b) != primary) {
                d = d.with_related(b, n.buffers.clone());
            }
            // A value from an outer level fails where a server or location keeps it.
            let within = block.span();
            if span.file != within.file || span.start < within.start || span.end > within.end {
                d = d.with_related(
                    block.head_span(),
                    format!("this {} keeps the value: nginx checks each server's and location's merged values", block.name()),
                );
            }
            out.push(d);
        }
    }
}
