//! Findings that rest on what nginx or php-fpm refuses to load.
//!
//! A refused statement is not what runs, and the fix of the refusal rewrites it: what
//! another rule says about the same statement, or with it as its other side, is a
//! consequence, not a separate problem. Examples met on distributions' trees: X003
//! ("nginx runs as www-data, which may not open the socket") beside NGX026 (`user
//! www-data;` names no user: nginx does not start), where X003's fix would give the
//! socket to that missing user and make php-fpm refuse too; X003 beside FPM113 on the
//! socket's `listen.owner` (no such user: php-fpm does not start); X002 on the second of
//! two `fastcgi_pass` lines NGX015 rejects. Such a finding becomes a note of the refusal
//! (the user reads it there, and judges it again once the refusal is fixed); its fix is
//! dropped.
//!
//! What only shares a tree with a refusal is a separate problem and stays: a pool whose
//! `user` is unknown stops php-fpm, but its socket's owner and mode are still wrong once
//! the user exists.

use foldhash::HashMap;
use lint_source::{Diagnostic, FileId, Severity, SourceMap};

/// Refusals to start whose fix rewrites the statement they point at: a value nginx or
/// php-fpm does not take (an unknown account, a duplicate or malformed directive, a
/// host that does not resolve). What else is said of that statement rests on the
/// refused value.
///
/// Not here, though they stop a start too: a valid value that conflicts with another
/// statement (NGX020's second `default_server`, NGX111's dual-stack listen, FPM008's
/// address two pools listen on), whose other words (`listen 443` without `ssl`) are
/// still to be judged; refusals whose fix lies elsewhere, after
/// which what is said of the statement holds as it is — a block in the wrong place
/// (NGX011, NGX013, NGX017, NGX028: the block moves), a directive or setting to add
/// (NGX016, NGX021, NGX025, FPM006, FPM111), a variable to define (NGX024), a size to
/// raise elsewhere (NGX022, NGX023, FPM007), a directory to create (NGX027, NGX029,
/// FPM106, FPM114, FPM115), a file to include (FPM005).
const REWRITTEN: &[&str] = &[
    "NGX010", "NGX012", "NGX014", "NGX015", "NGX019", "NGX026", "SEC073", "X020", "FPM001",
    "FPM002", "FPM003", "FPM004", "FPM009", "FPM020", "FPM021", "FPM022", "FPM023", "FPM024",
    "FPM113",
];

/// Refusals to start outside the load families (`NGX0xx`, `FPM0xx`).
const REFUSALS_ELSEWHERE: &[&str] = &[
    "FPM106", "FPM111", "FPM113", "FPM114", "FPM115", "NGX111", "SEC073", "X020",
];

/// A refusal to start whose fix rewrites the statement it points at.
fn rewrites(d: &Diagnostic) -> bool {
    d.severity == Severity::Error && REWRITTEN.contains(&d.code)
}

/// What may rest on a refusal: not a refusal itself, nor a finding of the load families
/// (each says what `nginx -t` or `php-fpm -t` says of the statement: FPM011's unknown
/// `${VAR}` is the cause of FPM004's empty value), nor one about the run.
fn may_rest(d: &Diagnostic) -> bool {
    !["NGX0", "FPM0", "LINT"]
        .iter()
        .any(|p| d.code.starts_with(p))
        && !REFUSALS_ELSEWHERE.contains(&d.code)
}

/// Folds each finding one of whose places lies within a statement that a refusal to
/// start ([`REWRITTEN`]) points at into the notes of the first such refusal (`found` is
/// sorted by position). A place that holds more than the statement, such as the
/// location block around it, does not count.
pub fn fold(found: Vec<Diagnostic>, map: &SourceMap) -> Vec<Diagnostic> {
    // The statement each refusal points at, by file and start: a refusal that points at
    // a directive's name (NGX015 "is duplicate") covers its value too, one that points at
    // a php-fpm value (FPM113) its key. Statements do not overlap, so a place is looked
    // up by the last statement starting at or before it (a tree of thousands of NGX010
    // lines beside thousands of findings: no product of the two).
    let mut refused: HashMap<FileId, Vec<(usize, usize, usize)>> = HashMap::default();
    for (i, d) in found.iter().enumerate().filter(|(_, d)| rewrites(d)) {
        let Some(primary) = &d.primary else { continue };
        let (from, to) = statement(map, primary.span);
        refused
            .entry(primary.span.file)
            .or_default()
            .push((from, to, i));
    }
    if refused.is_empty() {
        return found;
    }
    for list in refused.values_mut() {
        list.sort_unstable();
    }
    let within = |span: lint_source::Span| -> Option<usize> {
        let list = refused.get(&span.file)?;
        let (start, end) = (span.start as usize, span.end as usize);
        let after = list.partition_point(|(from, _, _)| *from <= start);
        let last = after.checked_sub(1)?;
        let (from, to, _) = *list.get(last)?;
        if end > to {
            return None;
        }
        // Two refusals of one statement: the first.
        let first = list[..last]
            .iter()
            .rposition(|(f, _, _)| *f != from)
            .map_or(0, |p| p + 1);
        list[first..=last].iter().map(|(_, _, i)| *i).min()
    };
    let mut into: Vec<Option<usize>> = vec![None; found.len()];
    let mut any = false;
    for (i, d) in found.iter().enumerate() {
        if !may_rest(d) {
            continue;
        }
        into[i] = d
            .primary
            .iter()
            .chain(d.related.iter())
            .find_map(|l| within(l.span));
        any |= into[i].is_some();
    }
    if !any {
        return found;
    }
    let mut notes: Vec<Vec<String>> = vec![Vec::new(); found.len()];
    for (i, d) in found.iter().enumerate() {
        if let Some(r) = into[i] {
            notes[r].push(format!(
                "{} rests on what is refused here, and is to be judged again once this is fixed: {}",
                d.code, d.message
            ));
        }
    }
    found
        .into_iter()
        .zip(into)
        .zip(notes)
        .filter_map(|((mut d, folded), extra)| {
            if folded.is_some() {
                return None;
            }
            d.notes.extend(extra);
            Some(d)
        })
        .collect()
}

/// The statement a span lies in: back to the `;`, brace or line break before it, on to
/// the first `;` or line break from its start (an nginx statement's span may hold its
/// `;`), and not less than the span. A value quoted across a `;` only makes it shorter.
fn statement(map: &SourceMap, span: lint_source::Span) -> (usize, usize) {
    let (start, end) = (span.start as usize, span.end as usize);
    if !map.contains(span.file) {
        return (start, end);
    }
    let text = map.get(span.file).text();
    let before = text.get(..start).unwrap_or_default();
    let from = before
        .iter()
        .rposition(|&b| matches!(b, b';' | b'{' | b'}' | b'\n'))
        .map_or(0, |i| i + 1);
    let rest = text.get(start..).unwrap_or_default();
    let to = rest
        .iter()
        .position(|&b| b == b';' || b == b'\n')
        .unwrap_or(rest.len());
    (from.min(start), end.max(start + to))
}
