//! The turn's optimal Huffman tables, counted here in parallel bands instead of by
//! libjpeg's serial statistics pass (`encode_mcu_gather`, a quarter of the whole turn
//! on a 12 MP photo). The counting and the table construction repeat mozjpeg's
//! jchuff.c and jctrans.c symbol for symbol, so the file is byte for byte the one
//! libjpeg's own optimisation writes: the same symbols in the same MCU order (dummy
//! blocks past a component's edge included), the same tie-breaking, the same
//! 16-bit length limit.

use mozjpeg_sys::{jpeg_alloc_huff_table, jpeg_compress_struct, JBLOCK};

use crate::par;

/// Where coefficient k of the zigzag order sits in a block (jutils.c's
/// `jpeg_natural_order`).
const NATURAL_ORDER: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// The largest magnitude category of an AC coefficient with 8-bit samples
/// (`MAX_COEF_BITS`); a DC difference may take one more.
const MAX_COEF_BITS: u32 = 10;

/// MCU rows counted by one task: small enough to spread a photo over idle workers.
const BAND_ROWS: usize = 16;

/// One component of the scan as the writer codes it.
pub(super) struct Component<'a> {
    /// Rows of blocks, at least `height` of them, each at least `width` long.
    pub rows: Vec<&'a [JBLOCK]>,
    /// Blocks that hold picture across (the writer's `width_in_blocks`).
    pub width: usize,
    /// Rows of blocks that hold picture (the writer's `height_in_blocks`).
    pub height: usize,
    /// Blocks of this component in one MCU across and down (1 × 1 in a scan of one
    /// component).
    pub mcu: (usize, usize),
    /// The DC table it is coded with (libjpeg's `dc_tbl_no`).
    pub dc_table: usize,
    /// The AC table it is coded with (libjpeg's `ac_tbl_no`).
    pub ac_table: usize,
}

/// Symbol counts of the four DC and four AC tables (257 each: jpeg_gen_optimal_table
/// uses the last for its reserved code point).
#[derive(Clone)]
struct Counts {
    dc: [[i64; 257]; 4],
    ac: [[i64; 257]; 4],
}

impl Counts {
    fn zero() -> Counts {
        Counts {
            dc: [[0; 257]; 4],
            ac: [[0; 257]; 4],
        }
    }

    fn add(&mut self, other: &Counts) {
        for (mine, theirs) in self
            .dc
            .iter_mut()
            .chain(&mut self.ac)
            .zip(other.dc.iter().chain(&other.ac))
        {
            mine.iter_mut().zip(theirs).for_each(|(a, b)| *a += b);
        }
    }
}

/// Installs in `d` the optimal tables for one interleaved scan of `comps`, `mcus`
/// MCUs across and down (what libjpeg's statistics pass would make), so that its
/// writer needs only the output pass. False when a coefficient is out of JPEG's range
/// (libjpeg's pass would have failed too; the caller then re-encodes).
pub(super) fn install_optimal_tables(
    d: &mut jpeg_compress_struct,
    comps: &[Component],
    mcus: (usize, usize),
) -> bool {
    let Some(counts) = count(comps, mcus) else {
        return false;
    };
    let mut done = ([false; 4], [false; 4]);
    for c in comps {
        for (ac, table, freq) in [
            (false, c.dc_table, &counts.dc),
            (true, c.ac_table, &counts.ac),
        ] {
            let did = if ac { &mut done.1 } else { &mut done.0 };
            if did[table] {
                continue;
            }
            did[table] = true;
            let slot = if ac {
                &mut d.ac_huff_tbl_ptrs[table]
            } else {
                &mut d.dc_huff_tbl_ptrs[table]
            };
            // SAFETY: a table libjpeg allocated (jpeg_set_defaults, or here from its
            // own pool); a fresh one comes with `sent_table` false, as
            // jpeg_write_coefficients left the others.
            let htbl = unsafe {
                if slot.is_null() {
                    *slot = jpeg_alloc_huff_table(&mut d.common);
                }
                &mut **slot
            };
            let (bits, huffval) = optimal_table(freq[table]);
            htbl.bits = bits;
            htbl.huffval[..huffval.len()].copy_from_slice(&huffval);
        }
    }
    true
}

/// The symbol counts of the whole scan, counted in bands of MCU rows.
fn count(comps: &[Component], (across, down): (usize, usize)) -> Option<Counts> {
    let mut bands: Vec<Option<Counts>> = vec![None; down.div_ceil(BAND_ROWS)];
    par::chunks_mut(&mut bands, 1, |i, band| {
        let rows = i * BAND_ROWS..((i + 1) * BAND_ROWS).min(down);
        band[0] = count_band(comps, across, rows);
    });
    let mut total = Counts::zero();
    for band in bands {
        total.add(&band?);
    }
    Some(total)
}

/// The symbols of MCU rows `rows`, as encode_mcu_gather counts them: blocks in MCU
/// order, each DC predicted from the component's previous block in that order.
fn count_band(comps: &[Component], across: usize, rows: std::ops::Range<usize>) -> Option<Counts> {
    let mut counts = Counts::zero();
    // The prediction a band starts with is the DC of the component's last block in
    // the MCU row before (the last real one: jctrans.c's dummy blocks copy it).
    let mut last_dc: Vec<i32> = comps
        .iter()
        .map(|c| match rows.start {
            0 => 0,
            r => i32::from(c.rows[(r * c.mcu.1 - 1).min(c.height - 1)][c.width - 1][0]),
        })
        .collect();
    for my in rows {
        for mx in 0..across {
            for (c, last) in comps.iter().zip(&mut last_dc) {
                let (dc, ac) = (&mut counts.dc[c.dc_table], &mut counts.ac[c.ac_table]);
                for y in my * c.mcu.1..(my + 1) * c.mcu.1 {
                    for x in mx * c.mcu.0..(mx + 1) * c.mcu.0 {
                        if x < c.width && y < c.height {
                            let block = &c.rows[y][x];
                            count_block(block, *last, dc, ac)?;
                            *last = i32::from(block[0]);
                        } else {
                            // A dummy block: the previous block's DC, no AC.
                            dc[0] += 1;
                            ac[0] += 1;
                        }
                    }
                }
            }
        }
    }
    Some(counts)
}

/// Counts one block's symbols (jchuff.c's `htest_one_block`); `None` for a coefficient
/// out of range.
fn count_block(
    block: &JBLOCK,
    last_dc: i32,
    dc: &mut [i64; 257],
    ac: &mut [i64; 257],
) -> Option<()> {
    let bits = |v: i32| 32 - v.unsigned_abs().leading_zeros();
    let nbits = bits(i32::from(block[0]) - last_dc);
    if nbits > MAX_COEF_BITS + 1 {
        return None;
    }
    dc[nbits as usize] += 1;
    // Bit k is set when zigzag coefficient k is non-zero. A photo's block holds a
    // handful of them among 63, so the runs of zeros are found as the gaps between set
    // bits instead of by testing each coefficient in turn: the work follows the few
    // non-zero coefficients, not the 63 positions.
    let nonzero = NATURAL_ORDER
        .iter()
        .enumerate()
        .skip(1)
        .fold(0u64, |m, (k, &n)| m | (u64::from(block[n] != 0) << k));
    let (mut rest, mut last) = (nonzero, 0);
    while rest != 0 {
        let k = rest.trailing_zeros();
        rest &= rest - 1;
        let mut run = k - last - 1;
        last = k;
        while run > 15 {
            ac[0xF0] += 1;
            run -= 16;
        }
        let nbits = bits(i32::from(block[NATURAL_ORDER[k as usize]]));
        if nbits > MAX_COEF_BITS {
            return None;
        }
        ac[((run << 4) + nbits) as usize] += 1;
    }
    // Zeros up to the end of the block are one end-of-block symbol.
    if last < 63 {
        ac[0] += 1;
    }
    Some(())
}

/// The optimal table for `freq` as jchuff.c's `jpeg_gen_optimal_table` builds it: its
/// `bits` (codes of each length, index 0 unused) and its symbols by code length.
fn optimal_table(mut freq: [i64; 257]) -> ([u8; 17], Vec<u8>) {
    const MAX_CLEN: usize = 32;
    let mut bits = [0i32; MAX_CLEN + 1];
    let mut codesize = [0usize; 257];
    let mut others = [None::<usize>; 257];
    // The reserved code point: symbol 256 takes the all-ones code of the longest length.
    freq[256] = 1;
    loop {
        // The two smallest nonzero counts, ties going to the larger symbol.
        let smallest = |skip: Option<usize>| {
            let mut found = None;
            let mut v = 1_000_000_000i64;
            for (i, &f) in freq.iter().enumerate() {
                if f != 0 && f <= v && Some(i) != skip {
                    v = f;
                    found = Some(i);
                }
            }
            found
        };
        let Some(mut c1) = smallest(None) else { break };
        let Some(mut c2) = smallest(Some(c1)) else {
            break;
        };
        freq[c1] += freq[c2];
        freq[c2] = 0;
        codesize[c1] += 1;
        while let Some(next) = others[c1] {
            c1 = next;
            codesize[c1] += 1;
        }
        others[c1] = Some(c2);
        codesize[c2] += 1;
        while let Some(next) = others[c2] {
            c2 = next;
            codesize[c2] += 1;
        }
    }
    for &size in codesize.iter().filter(|&&s| s != 0) {
        // Huffman's lengths over 257 symbols stay far below 32 (libjpeg checks).
        bits[size.min(MAX_CLEN)] += 1;
    }
    // Lengths over 16 shortened as the standard's Annex K.2 says.
    let mut i = MAX_CLEN;
    while i > 16 {
        while bits[i] > 0 {
            let mut j = i - 2;
            while bits[j] == 0 {
                j -= 1;
            }
            bits[i] -= 2;
            bits[i - 1] += 1;
            bits[j + 1] += 2;
            bits[j] -= 1;
        }
        i -= 1;
    }
    // The reserved code point leaves the longest length still in use.
    while bits[i] == 0 {
        i -= 1;
    }
    bits[i] -= 1;
    let mut out = [0u8; 17];
    out.iter_mut().zip(bits).for_each(|(o, b)| *o = b as u8);
    // Symbols by their (unadjusted) code length, then by value, as libjpeg lists them.
    let huffval = (1..=MAX_CLEN)
        .flat_map(|len| (0..256).filter(move |&s| codesize[s] == len))
        .map(|s| s as u8)
        .collect();
    (out, huffval)
}

#[cfg(test)]
mod tests {
    use std::os::raw::c_long;

    use mozjpeg_sys::JHUFF_TBL;

    use super::*;

    extern "C" {
        // libjpeg's own builder (jchuff.c, exported but not declared by mozjpeg-sys).
        fn jpeg_gen_optimal_table(
            cinfo: *mut jpeg_compress_struct,
            htbl: *mut JHUFF_TBL,
            freq: *mut c_long,
        );
    }

    fn libjpegs(freq: &[i64; 257]) -> ([u8; 17], Vec<u8>) {
        let mut writer = super::super::Writer::new();
        let mut htbl = JHUFF_TBL::default();
        let mut freq: Vec<c_long> = freq.iter().map(|&f| f as c_long).collect();
        // SAFETY: a live compress struct (only used for errors), a table, 257 counts.
        unsafe { jpeg_gen_optimal_table(&mut *writer.cinfo, &mut htbl, freq.as_mut_ptr()) };
        let codes: usize = htbl.bits.iter().map(|&b| usize::from(b)).sum();
        (htbl.bits, htbl.huffval[..codes].to_vec())
    }

    #[test]
    fn tables_are_libjpegs_also_where_lengths_over_sixteen_are_shortened() {
        // Fibonacci counts make the most skewed Huffman tree: 24 symbols give lengths
        // up to 23, which the Annex K.2 adjustment must bring down to 16.
        let mut fibonacci = [0i64; 257];
        let (mut a, mut b) = (1i64, 1i64);
        for f in fibonacci.iter_mut().skip(3).take(24) {
            *f = a;
            (a, b) = (b, a + b);
        }
        // Ties everywhere (the larger symbol goes first), one symbol alone, and a
        // spread like a photo's AC symbols.
        let mut ties = [0i64; 257];
        ties[..200].fill(7);
        let mut alone = [0i64; 257];
        alone[0] = 1000;
        let mut spread = [0i64; 257];
        for (i, f) in spread.iter_mut().take(256).enumerate() {
            *f = ((i * 7919) % 1013) as i64 * (i % 3) as i64;
        }
        for freq in [fibonacci, ties, alone, spread] {
            let ours = optimal_table(freq);
            assert_eq!(ours, libjpegs(&freq));
            let codes: usize = ours.0.iter().map(|&b| usize::from(b)).sum();
            assert_eq!(codes, freq.iter().filter(|&&f| f != 0).count());
        }
        // The adjustment did its work: the plain Huffman tree had 24 lengths, one per
        // symbol (up to 24 bits); none is left over 16.
        let (bits, _) = optimal_table(fibonacci);
        assert_eq!(bits.iter().filter(|&&b| b != 0).count(), 12);
    }
}
