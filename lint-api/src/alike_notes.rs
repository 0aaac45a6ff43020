//! Notes that say the same of many places, told once: a repository of 384 php-fpm
//! Dockerfiles (PrestaShop's) printed the same two notes for each, 778 lines before
//! "No problems found".

use std::collections::BTreeMap;

/// Groups of at least this many alike notes are folded into one.
const FOLD_FROM: usize = 4;

/// Places named in a folded note, at most.
const NAMED: usize = 3;

/// What a note says with its places left out: every word that holds a digit or a `/`
/// (paths, image tags, versions) and the bracketed deployment name in front.
fn shape(note: &str) -> String {
    let (_, rest) = split(note);
    rest.split(' ')
        .map(|w| {
            if w.bytes().any(|b| b.is_ascii_digit() || b == b'/') {
                "…"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A note's bracketed deployment name and the rest.
fn split(note: &str) -> (Option<&str>, &str) {
    match note.strip_prefix('[').and_then(|r| r.split_once("] ")) {
        Some((name, rest)) => (Some(name), rest),
        None => (None, note),
    }
}

/// What tells `note` from `first` of its group: its deployment when the group's
/// deployments differ, else the words that differ (the paths of one deployment's notes).
fn place(note: &str, first: &str, by_deployment: bool) -> String {
    let (name, rest) = split(note);
    if by_deployment {
        if let Some(name) = name {
            return name.to_string();
        }
    }
    let (_, first_rest) = split(first);
    let differing: Vec<&str> = rest
        .split(' ')
        .zip(first_rest.split(' '))
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.trim_end_matches([',', ':', ';']))
        .collect();
    differing.join(" ")
}

/// Folds every group of `FOLD_FROM` or more alike notes into its first, which then
/// says how many more places it holds for and names a few. Order is kept otherwise.
///
/// ```
/// let notes: Vec<String> = (1..=5)
///     .map(|i| format!("[./images/7.{i}-fpm/Dockerfile] no nginx found beside php-fpm"))
///     .chain(["[web] something else".to_string()])
///     .collect();
/// let folded = lint_api::alike_notes::fold(notes);
/// assert_eq!(folded.len(), 2);
/// assert!(folded[0].ends_with("(the same for 4 more: ./images/7.2-fpm/Dockerfile, ./images/7.3-fpm/Dockerfile, ./images/7.4-fpm/Dockerfile and 1 more)"), "{}", folded[0]);
/// ```
pub fn fold(notes: Vec<String>) -> Vec<String> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, note) in notes.iter().enumerate() {
        groups.entry(shape(note)).or_default().push(i);
    }
    let mut more: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for members in groups.into_values() {
        if let [first, rest @ ..] = members.as_slice() {
            if members.len() >= FOLD_FROM {
                more.insert(*first, rest.to_vec());
            }
        }
    }
    let dropped: std::collections::BTreeSet<usize> = more.values().flatten().copied().collect();
    notes
        .iter()
        .enumerate()
        .filter(|(i, _)| !dropped.contains(i))
        .map(|(i, note)| match more.get(&i) {
            Some(rest) => {
                let by_deployment = rest.iter().any(|&j| split(&notes[j]).0 != split(note).0);
                let named: Vec<String> = rest
                    .iter()
                    .take(NAMED)
                    .map(|&j| place(&notes[j], note, by_deployment))
                    .collect();
                let unnamed = rest.len() - named.len();
                format!(
                    "{note} (the same for {} more: {}{})",
                    rest.len(),
                    named.join(", "),
                    if unnamed > 0 {
                        format!(" and {unnamed} more")
                    } else {
                        String::new()
                    }
                )
            }
            None => note.clone(),
        })
        .collect()
}
