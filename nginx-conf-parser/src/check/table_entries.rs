//! The entries of `geo` and `split_clients` blocks, read as their handlers read them
//! (`ngx_http_geo`, `ngx_http_split_clients`): networks, address ranges and their
//! overlaps, percentages and their total. Arity is judged with the `map` entries.

use foldhash::HashMap;

use lint_source::{Diagnostic, Span};

use super::codes::INVALID_VALUE;
use super::values::cidr;
use crate::config::Item;

/// Address blocks of 64 Ki addresses a `geo` range may span before the overlap check
/// gives up (nginx fills every one; `0.0.0.0-255.255.255.255` alone is 65 536).
const MAX_RANGE_BLOCKS: usize = 1 << 20;

/// The entries of a `geo` block.
pub(super) fn geo(item: &Item<'_>, out: &mut Vec<Diagnostic>) {
    let mut ranges = false;
    let mut tree_made = false;
    let mut blocks = RangeBlocks::default();
    for entry in item.children() {
        let key = entry.name();
        match entry.arg_count() {
            0 if key == "ranges" => {
                if tree_made {
                    out.push(invalid(
                        entry.span(),
                        "the \"ranges\" directive must be the first directive inside \"geo\" block",
                    ));
                }
                ranges = true;
                continue;
            }
            1 => {}
            // Arity: reported with the map entries.
            _ => continue,
        }
        let Some(value) = entry.arg(0) else { continue };
        if key == "include" {
            continue;
        }
        if key == "proxy" {
            if !network(&value) {
                out.push(invalid(
                    entry.arg_span(0),
                    format!("invalid network \"{value}\""),
                ));
            }
            continue;
        }
        let (net, span, delete) = match key.as_ref() {
            "default" => {
                tree_made |= !ranges;
                continue;
            }
            "delete" => (value.clone(), entry.arg_span(0), true),
            _ => (key.clone(), entry.name_span(), false),
        };
        if !ranges {
            tree_made = true;
            if !network(&net) {
                out.push(invalid(span, format!("invalid network \"{net}\"")));
            }
            continue;
        }
        let Some((start, end)) = range(&net) else {
            out.push(invalid(span, format!("invalid range \"{net}\"")));
            continue;
        };
        if delete {
            continue;
        }
        if let Err(overlapped) = blocks.add(start, end) {
            out.push(invalid(
                span,
                format!("range \"{net}\" overlaps \"{overlapped}\""),
            ));
        }
    }
}

/// The entries of a `split_clients` block: `N%` (at most two decimals, not zero) or `*`,
/// adding up to no more than 100%.
pub(super) fn split_clients(item: &Item<'_>, out: &mut Vec<Diagnostic>) {
    // Hundredths of a percent, as nginx counts them.
    let mut sum: u64 = 0;
    let mut crossing = None;
    for entry in item.children() {
        let key = entry.name();
        let percent = if key == "*" {
            None
        } else {
            match key
                .strip_suffix('%')
                .and_then(hundredths)
                .filter(|n| *n > 0)
            {
                Some(n) => Some(n),
                None => {
                    out.push(invalid(
                        entry.name_span(),
                        format!("invalid percent value \"{key}\""),
                    ));
                    return;
                }
            }
        };
        sum = match percent {
            Some(n) => sum.saturating_add(n),
            None => 10_000,
        };
        if sum > 10_000 && crossing.is_none() {
            crossing = Some(entry.span());
        }
    }
    if let Some(entry) = crossing {
        // nginx adds the parts up once the block is read: its message names the
        // closing brace's line.
        let span = item.span();
        let close = Span::new(
            span.file,
            span.end.saturating_sub(1) as usize,
            span.end as usize,
        );
        out.push(
            invalid(close, "percent total is greater than 100%")
                .with_related(entry, "the total passes 100% here")
                .with_help("make the percentages add up to 100% at most (`*` takes the rest)"),
        );
    }
}

fn invalid(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(&INVALID_VALUE, span, message.into())
}

/// `ngx_atofp(text, 2)`: a decimal with at most two digits after its point, in
/// hundredths (`12.5` is 1250).
fn hundredths(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    let mut point: u32 = 2;
    let mut dot = false;
    for b in text.bytes() {
        if point == 0 {
            return None;
        }
        if b == b'.' {
            if dot {
                return None;
            }
            dot = true;
            continue;
        }
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        value = value.checked_mul(10)?.checked_add(u64::from(digit))?;
        point -= u32::from(dot);
    }
    value.checked_mul(10u64.pow(point))
}

/// `ngx_http_geo_cidr_value`: a network as `ngx_ptocidr` reads it, or the broadcast
/// address.
fn network(text: &str) -> bool {
    text == "255.255.255.255" || cidr(text)
}

/// `ngx_inet_addr`: four decimal octets (an empty one is 0).
fn ipv4(text: &str) -> Option<u32> {
    let octets: Vec<&str> = text.split('.').collect();
    if octets.len() != 4 {
        return None;
    }
    octets.iter().try_fold(0u32, |address, octet| {
        let value = octet.bytes().try_fold(0u32, |n, b| {
            let n = n * 10 + u32::from(b.checked_sub(b'0').filter(|d| *d <= 9)?);
            (n <= 255).then_some(n)
        })?;
        Some((address << 8) | value)
    })
}

/// `START-END` of IPv4 addresses, start not after end. `255.255.255.255` is
/// `INADDR_NONE`, the value `ngx_inet_addr` fails with: no end of a range.
fn range(text: &str) -> Option<(u32, u32)> {
    let (start, end) = text.split_once('-')?;
    let address = |text| ipv4(text).filter(|a| *a != u32::MAX);
    let (start, end) = (address(start)?, address(end)?);
    (start <= end).then_some((start, end))
}

/// The ranges of a `geo` block as nginx keeps them: per block of 64 Ki addresses, a
/// sorted list of sub-ranges (`ngx_http_geo_add_range`).
#[derive(Default)]
struct RangeBlocks {
    blocks: HashMap<u32, Vec<(u32, u32)>>,
    visited: usize,
}

impl RangeBlocks {
    /// Adds `start..=end`, or names the range it overlaps the way nginx does. A range
    /// inside one already there splits it; one equal to it replaces its value.
    fn add(&mut self, start: u32, end: u32) -> Result<(), String> {
        let mut n = start;
        loop {
            self.visited += 1;
            if self.visited > MAX_RANGE_BLOCKS {
                return Ok(());
            }
            let high = n >> 16;
            let s = if n == start { n & 0xffff } else { 0 };
            let e = if (n | 0xffff) > end {
                end & 0xffff
            } else {
                0xffff
            };
            let list = self.blocks.entry(high).or_default();
            Self::add_in_block(list, s, e).map_err(|(os, oe)| {
                let (h1, h2) = (high >> 8, high & 0xff);
                format!(
                    "{h1}.{h2}.{}.{}-{h1}.{h2}.{}.{}",
                    os >> 8,
                    os & 0xff,
                    oe >> 8,
                    oe & 0xff
                )
            })?;
            match (n | 0xffff).checked_add(1) {
                Some(next) if next <= end => n = next,
                _ => return Ok(()),
            }
        }
    }

    fn add_in_block(list: &mut Vec<(u32, u32)>, s: u32, e: u32) -> Result<(), (u32, u32)> {
        for i in (0..list.len()).rev() {
            let (rs, re) = list[i];
            if e < rs {
                continue;
            }
            if s > re {
                list.insert(i + 1, (s, e));
                return Ok(());
            }
            if s == rs && e == re {
                return Ok(());
            }
            if s > rs && e < re {
                list[i] = (rs, s - 1);
                list.insert(i + 1, (s, e));
                list.insert(i + 2, (e + 1, re));
                return Ok(());
            }
            if s == rs && e < re {
                list[i] = (s, e);
                list.insert(i + 1, (e + 1, re));
                return Ok(());
            }
            if s > rs && e == re {
                list[i] = (rs, s - 1);
                list.insert(i + 1, (s, e));
                return Ok(());
            }
            return Err((rs, re));
        }
        list.insert(0, (s, e));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_ranges_read_as_nginx_reads_them() {
        assert_eq!(ipv4("10.0.0.1"), Some(0x0a00_0001));
        assert_eq!(ipv4("1..2.3"), Some(0x0100_0203));
        assert_eq!(ipv4("10.0.0.256"), None);
        assert_eq!(ipv4("::1"), None);
        assert_eq!(range("10.0.0.9-10.0.0.1"), None);
        assert_eq!(range("10.0.0.1-10.0.0.1"), Some((0x0a00_0001, 0x0a00_0001)));
        assert_eq!(hundredths("12.5"), Some(1250));
        assert_eq!(hundredths("50."), Some(5000));
        assert_eq!(hundredths(".5"), Some(50));
        assert_eq!(hundredths("0.01"), Some(1));
        assert_eq!(hundredths("50.001"), None);
        assert_eq!(hundredths("."), Some(0));
        assert_eq!(hundredths("1.2.3"), None);
        assert_eq!(hundredths(""), None);
    }

    #[test]
    fn ranges_inside_others_split_them_and_partial_overlaps_fail() {
        let ip = |s| ipv4(s).expect("address");
        let mut blocks = RangeBlocks::default();
        assert!(blocks.add(ip("10.0.0.0"), ip("10.0.255.255")).is_ok());
        assert!(blocks.add(ip("10.0.1.0"), ip("10.0.1.255")).is_ok());
        assert!(blocks.add(ip("10.0.1.0"), ip("10.0.1.255")).is_ok());
        assert!(blocks.add(ip("10.0.0.0"), ip("10.0.0.9")).is_ok());
        assert_eq!(
            blocks.add(ip("10.0.0.5"), ip("10.0.0.20")),
            Err("10.0.0.10-10.0.0.255".to_string())
        );
        // Spanning several blocks of 64 Ki addresses.
        assert!(blocks.add(ip("11.0.0.0"), ip("11.3.0.0")).is_ok());
        assert!(blocks.add(ip("11.2.255.255"), ip("11.5.0.0")).is_err());
        assert!(blocks
            .add(ip("255.255.255.0"), ip("255.255.255.254"))
            .is_ok());
        assert_eq!(range("0.0.0.0-255.255.255.255"), None);
    }
}
