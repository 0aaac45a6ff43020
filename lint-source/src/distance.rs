//! Bounded edit distance for "did you mean" suggestions.
//!
//! A suggestion only wants candidates within a small distance, so the full
//! Levenshtein table is wasted work: only the diagonal band of width `2 × max + 1`
//! can hold such a distance, and a row whose every cell exceeds `max` proves that
//! the candidate is too far (the minimum of a row never decreases). A misspelt
//! name is compared against every known name (about 1 200 nginx directives), and
//! the fuzzers found inputs where that comparison dominated the run.

/// The Levenshtein distance between `a` and `b` (counted in chars, like
/// `strsim::levenshtein`) when it is at most `max`; `None` when it is larger.
/// Costs O(len × max) at most, and stops at the first row past `max`.
pub fn levenshtein_within(a: &str, b: &str, max: usize) -> Option<usize> {
    // A char is 1 to 4 bytes, so the longer text has at least a quarter of its byte
    // length in chars and the shorter at most its byte length: past this, the char
    // counts differ by more than `max` (rejected without looking at a long text).
    let (short, long) = (a.len().min(b.len()), a.len().max(b.len()));
    if long > 4 * (short + max) {
        return None;
    }
    if a.is_ascii() && b.is_ascii() {
        return banded(a.as_bytes(), b.as_bytes(), max);
    }
    // Byte lengths of non-ASCII text bound the char counts only loosely: count them.
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > max {
        return None;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    banded(&a, &b, max)
}

fn banded<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    // The distance is at least the difference of the lengths.
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Cells are capped at `big`: any value past `max` means "too far".
    let m = b.len();
    // Names are short: their two rows fit on the stack (one comparison per known name
    // made two heap allocations per candidate before).
    const STACK: usize = 64;
    if m < STACK {
        let (mut prev, mut cur) = ([0u32; STACK], [0u32; STACK]);
        return rows(a, b, max, &mut prev[..=m], &mut cur[..=m]);
    }
    let (mut prev, mut cur) = (vec![0u32; m + 1], vec![0u32; m + 1]);
    rows(a, b, max, &mut prev, &mut cur)
}

fn rows<'r, T: PartialEq>(
    a: &[T],
    b: &[T],
    max: usize,
    mut prev: &'r mut [u32],
    mut cur: &'r mut [u32],
) -> Option<usize> {
    // Cells are capped at `big` (any value past `max` means "too far"), so they fit
    // in 32 bits whatever the lengths.
    let Ok(big) = u32::try_from(max + 1) else {
        return None;
    };
    let m = b.len();
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = u32::try_from(j).map_or(big, |j| j.min(big));
    }
    for i in 1..=a.len() {
        // Row i only needs columns within `max` of the diagonal; the cells just
        // outside the band are set to `big` so the next row reads no stale value.
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(m);
        cur[0] = u32::try_from(i).map_or(big, |i| i.min(big));
        cur[lo - 1] = if lo == 1 { cur[0] } else { big };
        let mut row_min = cur[lo - 1];
        for j in lo..=hi {
            let substitute = prev[j - 1] + u32::from(a[i - 1] != b[j - 1]);
            let v = substitute.min(prev[j] + 1).min(cur[j - 1] + 1).min(big);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if hi < m {
            cur[hi + 1] = big;
        }
        if row_min >= big {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[m];
    (d < big).then_some(d as usize)
}

/// The chars of a text counted into a few buckets (letters, digits, `_`, anything
/// else): two texts whose bags differ by more than `k` are more than `k` edits apart
/// (an edit adds, removes or replaces one char, so it changes the bag by at most one
/// on each side). Comparing two bags costs a few dozen additions, against a table row
/// per char for the distance itself: a cheap first test when one misspelt name is
/// checked against a thousand known names.
///
/// ```
/// use lint_source::distance::CharBag;
/// let typo = CharBag::new("fastcgi_pas");
/// assert!(typo.lower_bound(&CharBag::new("fastcgi_pass")) <= 1);
/// assert!(typo.lower_bound(&CharBag::new("proxy_redirect")) > 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CharBag([u8; BUCKETS]);

const BUCKETS: usize = 38;

impl CharBag {
    /// The bag of `text`'s chars (counts saturate at 255, which keeps every bound a
    /// lower bound).
    pub fn new(text: &str) -> CharBag {
        let mut counts = [0u8; BUCKETS];
        for c in text.chars() {
            let bucket = match c {
                'a'..='z' => c as usize - 'a' as usize,
                'A'..='Z' => c as usize - 'A' as usize,
                '0'..='9' => 26 + (c as usize - '0' as usize),
                '_' => 36,
                _ => 37,
            };
            counts[bucket] = counts[bucket].saturating_add(1);
        }
        CharBag(counts)
    }

    /// A lower bound of the edit distance between the two texts (case folded into one
    /// bucket, so it never exceeds the case-sensitive distance either).
    pub fn lower_bound(&self, other: &CharBag) -> usize {
        let (mut more, mut fewer) = (0usize, 0usize);
        for (a, b) in self.0.iter().zip(other.0.iter()) {
            if a > b {
                more += usize::from(a - b);
            } else {
                fewer += usize::from(b - a);
            }
        }
        more.max(fewer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bag bound never exceeds the distance, on every pair of a set of words that
    /// mixes cases, digits, `_` and non-ASCII chars.
    #[test]
    fn the_bag_bound_is_a_lower_bound() {
        let words = [
            "",
            "a",
            "A",
            "ab",
            "ba",
            "abc",
            "fastcgi_pass",
            "fastcgi_pas",
            "FastCGI_Pass",
            "fastcgi_paſs",
            "proxy_pass",
            "proxy_pass2",
            "é",
            "éé",
            "_",
            "__",
            "9",
            "a9_",
        ];
        for a in words {
            for b in words {
                let bound = CharBag::new(a).lower_bound(&CharBag::new(b));
                assert!(bound <= strsim::levenshtein(a, b), "{a:?} {b:?}: {bound}");
            }
        }
        assert_eq!(CharBag::new("abc").lower_bound(&CharBag::new("xyz")), 3);
    }

    /// Every pair of words up to length 5 over a 3-letter alphabet, and a few
    /// non-ASCII ones: the bounded distance agrees with strsim's full one.
    #[test]
    fn agrees_with_the_full_distance() {
        let mut words = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for w in &frontier {
                for c in ['a', 'b', 'c'] {
                    next.push(format!("{w}{c}"));
                }
            }
            words.extend(next.iter().cloned());
            frontier = next;
        }
        words.extend(
            [
                "é",
                "éa",
                "aé",
                "ééé",
                "fastcgi_pass",
                "fastcgi_pas",
                "fastcgi_paſs",
            ]
            .map(String::from),
        );
        for a in &words {
            for b in &words {
                let full = strsim::levenshtein(a, b);
                for max in 0..4 {
                    let expected = (full <= max).then_some(full);
                    assert_eq!(
                        levenshtein_within(a, b, max),
                        expected,
                        "{a:?} {b:?} max {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_long_word_is_rejected_without_its_full_table() {
        let long = "x".repeat(300_000);
        assert_eq!(levenshtein_within(&long, "server", 2), None);
        // Same length, every char different: the first rows already exceed 2.
        let other = "y".repeat(300_000);
        assert_eq!(levenshtein_within(&long, &other, 2), None);
    }
}
