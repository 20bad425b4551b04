//! Lossless rotation: a JPEG that meets every rule but its EXIF orientation is turned
//! upright in the DCT domain, as jpegtran's perfect transforms do, instead of being
//! decoded and re-encoded. The coefficient blocks move (and the coefficients inside
//! each block are transposed and their odd frequencies negated), so what moves is
//! never quantised again: the reviewer sees the camera's pixels, and it costs a
//! fraction of an encode.
//!
//! A block can move only if it lands on the output's block grid: along each axis the
//! turn mirrors, a component's samples must be a whole number of 8-sample blocks (its
//! padding blocks then stay past the far end). Luma of the most common phone photo
//! (4000×3000, 4:2:0, stored sideways) passes, its chroma (1500 rows, 187.5 blocks)
//! does not. Such a chroma plane is requantised instead ([`requantise`]): decoded to
//! float samples, turned, and quantised again with the source's own table, one
//! generation of loss in the colour only, while luma (what a reviewer reads) keeps the
//! camera's coefficients. When luma itself cannot move, the picture gets `None` here
//! and is re-encoded by the band search (never trimmed: the border of a document must
//! stay complete).
//!
//! The output carries no marker the source had beyond what decoding needs (JFIF, or
//! Adobe for RGB-stored files): libjpeg writes only those, so EXIF, XMP, comments and
//! ICC profiles are gone, as on the stripping path. libjpeg's faults go through the
//! strict decoder's error plumbing ([`crate::decode::jpeg::guarded`]).

use std::os::raw::c_int;

use mozjpeg_sys::{
    boolean, jpeg_c_set_int_param, jpeg_compress_struct, jpeg_copy_critical_parameters,
    jpeg_create_compress, jpeg_create_decompress, jpeg_decompress_struct, jpeg_destination_mgr,
    jpeg_destroy_compress, jpeg_destroy_decompress, jpeg_error_mgr, jpeg_finish_compress,
    jpeg_finish_decompress, jpeg_mem_src, jpeg_read_coefficients, jpeg_read_header,
    jpeg_write_coefficients, jvirt_barray_control, JBLOCK, JBLOCKROW, JCP_FASTEST, JPOOL_IMAGE,
    J_INT_PARAM,
};

use crate::decode::jpeg::{guarded, strict_error_mgr, JpegError};

mod huffman;
mod requantise;

/// How one component's coefficients reach the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Move {
    /// Its blocks move and turn, untouched: lossless.
    Blocks,
    /// Its samples turn and are quantised again with the same table.
    Requantise,
}

/// How a picture stored with an EXIF orientation becomes upright: an optional
/// transposition, then optional mirrorings of the result's axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Turn {
    transpose: bool,
    flip_h: bool,
    flip_v: bool,
}

impl Turn {
    /// The turn that undoes EXIF orientation `orientation` (2–8); `None` for 1 and for
    /// values outside the standard's.
    fn for_orientation(orientation: u8) -> Option<Turn> {
        let (transpose, flip_h, flip_v) = match orientation {
            2 => (false, true, false),
            3 => (false, true, true),
            4 => (false, false, true),
            5 => (true, false, false),
            6 => (true, true, false),
            7 => (true, true, true),
            8 => (true, false, true),
            _ => return None,
        };
        Some(Turn {
            transpose,
            flip_h,
            flip_v,
        })
    }

    /// How a component sampled `samp` (horizontally, vertically; of the picture's
    /// largest factors `max`) of a `width` × `height` picture reaches the output;
    /// `None` when it cannot. Along an axis the turn mirrors, the component's blocks
    /// move exactly when its samples tile that axis in whole blocks (padding blocks
    /// only past the far end, where the writer makes its own) and each of its samples
    /// covers whole pixels of the picture (else mirroring would shift chroma against
    /// luma). A subsampled component that fails only the first is requantised; a
    /// full-resolution one is luma, which must stay the camera's own.
    fn moves(self, (width, height): (u32, u32), max: (u32, u32), samp: (u32, u32)) -> Option<Move> {
        let mirrored = self.swapped((self.flip_h, self.flip_v));
        let axes = [
            (mirrored.0, width, max.0, samp.0),
            (mirrored.1, height, max.1, samp.1),
        ];
        let full = samp == max;
        let mut how = Move::Blocks;
        for (mirrored, len, max, samp) in axes {
            if !mirrored {
                continue;
            }
            if samp == 0 || max % samp != 0 || len % (max / samp) != 0 {
                return None;
            }
            if (len / (max / samp)) % 8 != 0 {
                if full {
                    return None;
                }
                how = Move::Requantise;
            }
        }
        Some(how)
    }

    /// A (horizontal, vertical) pair of the source as the output's axes see it.
    fn swapped<T>(self, (h, v): (T, T)) -> (T, T) {
        if self.transpose {
            (v, h)
        } else {
            (h, v)
        }
    }

    /// The source block for output block (`x`, `y`) of a component `cols` × `rows`
    /// blocks large in the output.
    fn source_of(self, x: usize, y: usize, cols: usize, rows: usize) -> (usize, usize) {
        let tx = if self.flip_h { cols - 1 - x } else { x };
        let ty = if self.flip_v { rows - 1 - y } else { y };
        self.swapped((tx, ty))
    }

    /// One block's coefficients turned: transposed, then the odd frequencies of each
    /// mirrored axis negated (a cosine of odd frequency changes sign when mirrored).
    fn block(self, src: &JBLOCK, dst: &mut JBLOCK) {
        for v in 0..8 {
            for u in 0..8 {
                let c = if self.transpose {
                    src[u * 8 + v]
                } else {
                    src[v * 8 + u]
                };
                let negate = (self.flip_h && u % 2 == 1) != (self.flip_v && v % 2 == 1);
                dst[v * 8 + u] = if negate { c.wrapping_neg() } else { c };
            }
        }
    }
}

/// `bytes` (a JPEG stored with EXIF orientation `orientation`) turned upright without
/// decoding its luma, with no metadata; `None` when luma's blocks cannot move for its
/// size and sampling, when there is nothing to turn, or when libjpeg gives up (then
/// the caller re-encodes, as without this path).
pub fn upright(bytes: &[u8], orientation: u8) -> Option<Vec<u8>> {
    let turn = Turn::for_orientation(orientation)?;
    guarded(|| transcode(bytes, turn)).ok().flatten()
}

/// A decompressor and its error manager, destroyed when dropped, also on unwind.
struct Reader {
    cinfo: Box<jpeg_decompress_struct>,
    _err: Box<jpeg_error_mgr>,
}

impl Reader {
    fn new(bytes: &[u8]) -> Reader {
        let mut err = Box::new(strict_error_mgr());
        // SAFETY: an all-zero struct is what jpeg_create_decompress expects before it
        // initialises the struct; `err` lives as long as the struct.
        let mut cinfo: Box<jpeg_decompress_struct> = Box::new(unsafe { std::mem::zeroed() });
        cinfo.common.err = &mut *err;
        unsafe {
            jpeg_create_decompress(&mut *cinfo);
            // The buffer outlives the Reader: both live inside `transcode`.
            jpeg_mem_src(&mut cinfo, bytes.as_ptr(), bytes.len() as _);
        }
        Reader { cinfo, _err: err }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        // SAFETY: created in `new`; destroy frees everything libjpeg allocated.
        unsafe { jpeg_destroy_decompress(&mut self.cinfo) };
    }
}

/// A compressor writing into a growing buffer, destroyed when dropped.
struct Writer {
    cinfo: Box<jpeg_compress_struct>,
    _err: Box<jpeg_error_mgr>,
    dest: Box<VecDest>,
}

/// libjpeg's destination manager over a `Vec` (first, so libjpeg's pointer to the
/// manager is a pointer to the whole).
#[repr(C)]
struct VecDest {
    mgr: jpeg_destination_mgr,
    buf: Vec<u8>,
}

const DEST_CHUNK: usize = 1 << 16;

extern "C-unwind" fn dest_init(cinfo: &mut jpeg_compress_struct) {
    // SAFETY: `dest` points at the VecDest the Writer owns (set in Writer::new).
    let dest = unsafe { &mut *(cinfo.dest as *mut VecDest) };
    dest.buf.resize(DEST_CHUNK, 0);
    dest.mgr.next_output_byte = dest.buf.as_mut_ptr();
    dest.mgr.free_in_buffer = dest.buf.len();
}

extern "C-unwind" fn dest_grow(cinfo: &mut jpeg_compress_struct) -> boolean {
    // SAFETY: as in dest_init. libjpeg calls this when the whole buffer is full.
    let dest = unsafe { &mut *(cinfo.dest as *mut VecDest) };
    let full = dest.buf.len();
    dest.buf.resize(full * 2, 0);
    dest.mgr.next_output_byte = dest.buf[full..].as_mut_ptr();
    dest.mgr.free_in_buffer = dest.buf.len() - full;
    1
}

extern "C-unwind" fn dest_term(cinfo: &mut jpeg_compress_struct) {
    // SAFETY: as in dest_init.
    let dest = unsafe { &mut *(cinfo.dest as *mut VecDest) };
    let written = dest.buf.len() - dest.mgr.free_in_buffer;
    dest.buf.truncate(written);
}

impl Writer {
    fn new() -> Writer {
        let mut err = Box::new(strict_error_mgr());
        // SAFETY: as in Reader::new.
        let mut cinfo: Box<jpeg_compress_struct> = Box::new(unsafe { std::mem::zeroed() });
        cinfo.common.err = &mut *err;
        unsafe { jpeg_create_compress(&mut *cinfo) };
        let mut dest = Box::new(VecDest {
            mgr: jpeg_destination_mgr {
                next_output_byte: std::ptr::null_mut(),
                free_in_buffer: 0,
                init_destination: Some(dest_init),
                empty_output_buffer: Some(dest_grow),
                term_destination: Some(dest_term),
            },
            buf: Vec::new(),
        });
        cinfo.dest = &mut dest.mgr;
        Writer {
            cinfo,
            _err: err,
            dest,
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // SAFETY: created in `new`.
        unsafe { jpeg_destroy_compress(&mut self.cinfo) };
    }
}

/// One component's coefficient array: blocks per row and rows of blocks, padded to
/// whole MCUs (as libjpeg allocates them), and its vertical sampling factor (the rows
/// of blocks one MCU row holds).
#[derive(Debug, Clone, Copy)]
struct Plane {
    cols: usize,
    rows: usize,
    v_samp: usize,
}

/// One component of the turn: how it moves, its arrays in the source and the output,
/// and its size in samples in the source.
#[derive(Debug, Clone, Copy)]
struct Component {
    how: Move,
    source: Plane,
    out: Plane,
    width: usize,
    height: usize,
}

impl Component {
    /// The output's blocks that hold picture (the rest are MCU padding).
    fn out_blocks(&self, turn: Turn) -> (usize, usize) {
        turn.swapped((self.width.div_ceil(8), self.height.div_ceil(8)))
    }
}

/// The components of the source whose header `s` has read, as `turn` moves them;
/// `None` when one of them cannot reach the output (luma not in whole blocks along a
/// mirrored axis, or an odd sampling).
fn components(s: &jpeg_decompress_struct, turn: Turn) -> Option<Vec<Component>> {
    let (width, height) = (s.image_width, s.image_height);
    let (max_h, max_v) = (s.max_h_samp_factor as u32, s.max_v_samp_factor as u32);
    let (out_w, out_h) = turn.swapped((width, height));
    let (out_max_h, out_max_v) = turn.swapped((max_h, max_v));
    // SAFETY: comp_info holds num_components entries after jpeg_read_header.
    let comps = unsafe { std::slice::from_raw_parts(s.comp_info, s.num_components as usize) };
    let padded = |len: u32, max: u32, samp: u32| (len.div_ceil(max * 8) * samp) as usize;
    let samples = |len: u32, max: u32, samp: u32| (len * samp).div_ceil(max) as usize;
    comps
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let (hs, vs) = (c.h_samp_factor as u32, c.v_samp_factor as u32);
            let how = turn.moves((width, height), (max_h, max_v), (hs, vs))?;
            if ci == 0 && how != Move::Blocks {
                return None;
            }
            let (out_hs, out_vs) = turn.swapped((hs, vs));
            Some(Component {
                how,
                source: Plane {
                    cols: padded(width, max_h, hs),
                    rows: padded(height, max_v, vs),
                    v_samp: vs as usize,
                },
                out: Plane {
                    cols: padded(out_w, out_max_h, out_hs),
                    rows: padded(out_h, out_max_v, out_vs),
                    v_samp: out_vs as usize,
                },
                width: samples(width, max_h, hs),
                height: samples(height, max_v, vs),
            })
        })
        .collect()
}

/// The turn itself: coefficients read, moved (or requantised) into arrays of the
/// output's shape, written.
fn transcode(bytes: &[u8], turn: Turn) -> Result<Option<Vec<u8>>, JpegError> {
    let mut src = Reader::new(bytes);
    let s = &mut *src.cinfo;
    // SAFETY (this block and below): libjpeg calls in the order its manual gives for
    // transcoding (jpegtran's); every pointer dereferenced is one libjpeg set up for
    // this struct, within the sizes its own fields state.
    unsafe { jpeg_read_header(s, 1) };
    let Some(components) = components(s, turn) else {
        return Ok(None);
    };
    let (out_w, out_h) = turn.swapped((s.image_width, s.image_height));
    // The output's arrays come from the source's memory manager before the source's
    // own are realised, so reading the coefficients realises both (jpegtran's way).
    let mem = unsafe { &mut *s.common.mem };
    let request = mem.request_virt_barray.ok_or_else(no_manager)?;
    let access = mem.access_virt_barray.ok_or_else(no_manager)?;
    let mut out_arrays: Vec<*mut jvirt_barray_control> = components
        .iter()
        .map(|c| unsafe {
            let p = c.out;
            request(
                &mut s.common,
                JPOOL_IMAGE,
                0,
                p.cols as u32,
                p.rows as u32,
                p.v_samp as u32,
            )
        })
        .collect();
    let src_arrays = unsafe { jpeg_read_coefficients(s) };
    if src_arrays.is_null() {
        return Ok(None);
    }
    // The tables each component was quantised with, latched by libjpeg as it read them.
    let quant: Option<Vec<[u16; 64]>> =
        unsafe { std::slice::from_raw_parts(s.comp_info, components.len()) }
            .iter()
            .map(|c| (!c.quant_table.is_null()).then(|| unsafe { (*c.quant_table).quantval }))
            .collect();
    let Some(quant) = quant else {
        return Ok(None);
    };
    let mut out_rows = Vec::with_capacity(components.len());
    for (ci, c) in components.iter().enumerate() {
        // libjpeg-turbo keeps every virtual array in memory (jmemnobs): the row
        // pointers taken here stay valid while the Reader lives.
        let mut rows = |array: *mut jvirt_barray_control, plane: &Plane, write: bool| {
            (0..plane.rows)
                .map(|r| unsafe { *access(&mut s.common, array, r as u32, 1, write as boolean) })
                .collect::<Vec<JBLOCKROW>>()
        };
        let from = rows(unsafe { *src_arrays.add(ci) }, &c.source, false);
        let to = rows(out_arrays[ci], &c.out, true);
        let moved = match c.how {
            Move::Blocks => move_blocks(turn, c, &from, &to),
            Move::Requantise => requantise_into(turn, c, &quant[ci], &from, &to),
        };
        if !moved {
            return Ok(None);
        }
        fill_padding(c.out_blocks(turn), &c.out, &to);
        out_rows.push(to);
    }
    let mut out = Writer::new();
    let d = &mut *out.cinfo;
    unsafe {
        // One baseline scan with Huffman tables optimised for it: progressive scans
        // save ~4 % more bytes but double the time of the whole turn (measured on the
        // corpus photo, benches/dct.rs); trellis has no say over coefficients given.
        // The tables are counted here ([`huffman`]), so libjpeg only writes.
        jpeg_c_set_int_param(d, J_INT_PARAM::JINT_COMPRESS_PROFILE, JCP_FASTEST as c_int);
        jpeg_copy_critical_parameters(s, d);
        d.optimize_coding = 0;
    }
    if turn.transpose {
        transpose_parameters(d, out_w, out_h);
    }
    unsafe { jpeg_write_coefficients(d, out_arrays.as_mut_ptr()) };
    if !install_tables(d, &out_rows) {
        return Ok(None);
    }
    unsafe {
        jpeg_finish_compress(d);
        jpeg_finish_decompress(s);
    }
    Ok(Some(std::mem::take(&mut out.dest.buf)))
}

/// Installs the optimal Huffman tables for the output's one scan, counted over the
/// output arrays (`rows`, each component's rows of blocks) with the block sizes and
/// table numbers jpeg_write_coefficients has set up in `d`. False when a coefficient is
/// out of range, or the header holds a scan this count does not model.
fn install_tables(d: &mut jpeg_compress_struct, rows: &[Vec<JBLOCKROW>]) -> bool {
    // jpeg_copy_critical_parameters set the defaults: one scan of every component,
    // no restart markers. A single component is coded block by block (MCU 1 × 1).
    if d.restart_interval != 0 || !d.scan_info.is_null() || rows.len() > 4 {
        return false;
    }
    // SAFETY: comp_info holds num_components entries, one per output array.
    let info = unsafe { std::slice::from_raw_parts(d.comp_info, d.num_components as usize) };
    let interleaved = info.len() > 1;
    let comps: Vec<huffman::Component> = info
        .iter()
        .zip(rows)
        .map(|(c, rows)| {
            let (width, height) = (c.width_in_blocks as usize, c.height_in_blocks as usize);
            let mcu = if interleaved {
                (c.h_samp_factor as usize, c.v_samp_factor as usize)
            } else {
                (1, 1)
            };
            huffman::Component {
                // SAFETY: the output arrays hold whole MCUs, at least `width` blocks a
                // row and `height` rows; the moves into them are done.
                rows: rows
                    .iter()
                    .map(|&r| unsafe { std::slice::from_raw_parts(r.cast_const(), width) })
                    .collect(),
                width,
                height,
                mcu,
                dc_table: c.dc_tbl_no as usize,
                ac_table: c.ac_tbl_no as usize,
            }
        })
        .collect();
    let mcus = if interleaved {
        let block = |len: u32, max: c_int| len.div_ceil(max as u32 * 8) as usize;
        (
            block(d.image_width, d.max_h_samp_factor),
            block(d.image_height, d.max_v_samp_factor),
        )
    } else {
        (comps[0].width, comps[0].height)
    };
    huffman::install_optimal_tables(d, &comps, mcus)
}

/// Moves and turns the blocks of a component that tile the mirrored axes exactly:
/// output block (x, y) is the source block the turn puts there. False if the source's
/// arrays are smaller than its header said (then the caller re-encodes).
fn move_blocks(turn: Turn, c: &Component, from: &[JBLOCKROW], to: &[JBLOCKROW]) -> bool {
    let (cols, rows) = c.out_blocks(turn);
    for (y, &row) in to.iter().enumerate().take(rows) {
        for x in 0..cols {
            let (sx, sy) = turn.source_of(x, y, cols, rows);
            if sx >= c.source.cols || sy >= c.source.rows {
                return false;
            }
            // SAFETY: both blocks inside their arrays' stated sizes (checked above;
            // `to` has `c.out.cols` ≥ `cols` blocks per row).
            unsafe { turn.block(&*from[sy].add(sx), &mut *row.add(x)) };
        }
    }
    true
}

/// Turns a component whose blocks cannot move by requantising its samples
/// ([`requantise`]), with `quant`, the table its coefficients carry.
fn requantise_into(
    turn: Turn,
    c: &Component,
    quant: &[u16; 64],
    from: &[JBLOCKROW],
    to: &[JBLOCKROW],
) -> bool {
    let mut source = requantise::Blocks::zeroed(c.width, c.height);
    if source.cols > c.source.cols || source.rows > c.source.rows {
        return false;
    }
    for (y, blocks) in source.data.chunks_mut(source.cols).enumerate() {
        // SAFETY: row `y` of the source array holds `c.source.cols` ≥ `source.cols`
        // blocks (checked above).
        let row = unsafe { std::slice::from_raw_parts(from[y], blocks.len()) };
        blocks.copy_from_slice(row);
    }
    let turned = requantise::turned(&source, quant, turn);
    for (y, blocks) in turned.data.chunks(turned.cols).enumerate() {
        // SAFETY: the output array holds `c.out` blocks, at least the turned plane's
        // (the same division of the output's size into blocks).
        let row = unsafe { std::slice::from_raw_parts_mut(to[y], blocks.len()) };
        row.copy_from_slice(blocks);
    }
    true
}

/// Fills the MCU padding of an output array (the blocks past the `real` ones) with
/// copies of the nearest real block. libjpeg's writer never reads them (jctrans.c
/// codes dummy blocks of its own there: zero AC, the left neighbour's DC), so this only
/// keeps the arrays free of uninitialised memory.
fn fill_padding((cols, rows): (usize, usize), out: &Plane, to: &[JBLOCKROW]) {
    for (y, &row) in to.iter().enumerate() {
        let from_row = to[y.min(rows - 1)];
        let start = if y < rows { cols } else { 0 };
        for x in start..out.cols {
            // SAFETY: both inside the array (`x` < `out.cols`, the nearest real block is
            // inside the real ones); a padding block is never a real one.
            unsafe { *row.add(x) = *from_row.add(x.min(cols - 1)) };
        }
    }
}

/// The output's header for a transposed picture: its size, the sampling factors and
/// quantisation tables (coefficient (u, v) is now (v, u)), and the JFIF pixel aspect.
fn transpose_parameters(d: &mut jpeg_compress_struct, width: u32, height: u32) {
    d.image_width = width;
    d.image_height = height;
    // SAFETY: jpeg_copy_critical_parameters allocated num_components entries and the
    // tables the components use.
    let comps = unsafe { std::slice::from_raw_parts_mut(d.comp_info, d.num_components as usize) };
    for c in comps {
        std::mem::swap(&mut c.h_samp_factor, &mut c.v_samp_factor);
    }
    for &table in d.quant_tbl_ptrs.iter().filter(|t| !t.is_null()) {
        let q = unsafe { &mut (*table).quantval };
        for v in 0..8 {
            for u in v + 1..8 {
                q.swap(v * 8 + u, u * 8 + v);
            }
        }
    }
    std::mem::swap(&mut d.X_density, &mut d.Y_density);
}

/// A memory manager without the virtual-array methods: not libjpeg as built here.
fn no_manager() -> JpegError {
    JpegError::Unreadable("libjpeg memory manager without virtual arrays".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `jpeg` (a turn's output) written again by libjpeg with its own Huffman
    /// optimisation (its statistics pass), the coefficients and header copied: what
    /// the turn wrote before it counted its tables itself.
    fn optimised_by_libjpeg(jpeg: &[u8]) -> Vec<u8> {
        let mut src = Reader::new(jpeg);
        let s = &mut *src.cinfo;
        let mut out = Writer::new();
        let d = &mut *out.cinfo;
        // SAFETY: jpegtran's call order, on structs set up by Reader and Writer.
        unsafe {
            jpeg_read_header(s, 1);
            let arrays = jpeg_read_coefficients(s);
            jpeg_c_set_int_param(d, J_INT_PARAM::JINT_COMPRESS_PROFILE, JCP_FASTEST as c_int);
            jpeg_copy_critical_parameters(s, d);
            d.optimize_coding = 1;
            jpeg_write_coefficients(d, arrays);
            jpeg_finish_compress(d);
            jpeg_finish_decompress(s);
        }
        std::mem::take(&mut out.dest.buf)
    }

    /// The corpus photo with its frame header stating `width` × `height` (a crop of
    /// its stored picture, whose blocks past the new edge libjpeg drops).
    fn corpus_photo(width: u16, height: u16) -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus/客户B/手持身份证 照片.jpg"
        );
        let mut bytes = std::fs::read(path).unwrap();
        let mut pos = 2;
        while !matches!(bytes[pos + 1], 0xC0..=0xC2) {
            assert!(
                bytes[pos] == 0xFF && bytes[pos + 1] != 0xDA,
                "no frame header"
            );
            pos += 2 + usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        }
        bytes[pos + 5..pos + 7].copy_from_slice(&height.to_be_bytes());
        bytes[pos + 7..pos + 9].copy_from_slice(&width.to_be_bytes());
        bytes
    }

    #[test]
    fn the_tables_counted_here_write_the_bytes_libjpegs_optimisation_writes() {
        // 2000 × 3200 (4:2:0): every block moves. 1992 × 3192: chroma is requantised
        // for the turns that mirror its half block, and the MCUs at the right and
        // bottom edges carry dummy blocks in both directions. A 40 × 24 crop of it
        // (4:2:0 again, encoded by the image crate) has them too, a third of the
        // luma blocks coded, where a miscount changes the tables. Its grey version
        // is one component, coded block by block.
        let crop = image::load_from_memory(&corpus_photo(2000, 3200))
            .unwrap()
            .crop_imm(1000, 1600, 40, 24);
        let small = |crop: &image::DynamicImage| {
            let mut bytes = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
                .encode_image(crop)
                .unwrap();
            bytes
        };
        let photos = [
            ("2000 × 3200", corpus_photo(2000, 3200)),
            ("1992 × 3192", corpus_photo(1992, 3192)),
            (
                "40 × 24",
                small(&image::DynamicImage::ImageRgb8(crop.to_rgb8())),
            ),
            (
                "40 × 24 grey",
                small(&image::DynamicImage::ImageLuma8(crop.to_luma8())),
            ),
        ];
        for (size, photo) in photos {
            for o in 2..=8 {
                let turned = transcode(&photo, Turn::for_orientation(o).unwrap())
                    .unwrap()
                    .unwrap();
                assert!(
                    turned == optimised_by_libjpeg(&turned),
                    "{size}, orientation {o}: bytes differ"
                );
            }
        }
    }

    #[test]
    fn every_turn_moves_pixels_as_its_orientation_says() {
        // A 3 × 2 "picture" of blocks, turned with the block-level mapping, equals the
        // picture turned pixel by pixel as EXIF defines each orientation.
        let (w, h) = (3usize, 2usize);
        let at = |x: usize, y: usize| y * w + x;
        for o in 2..=8u8 {
            let turn = Turn::for_orientation(o).unwrap();
            let (ow, oh) = if turn.transpose { (h, w) } else { (w, h) };
            let img = image::RgbImage::from_fn(w as u32, h as u32, |x, y| {
                image::Rgb([at(x as usize, y as usize) as u8, 0, 0])
            });
            let mut expected = image::DynamicImage::ImageRgb8(img);
            expected.apply_orientation(image::metadata::Orientation::from_exif(o).unwrap());
            let expected = expected.to_rgb8();
            for y in 0..oh {
                for x in 0..ow {
                    let (sx, sy) = turn.source_of(x, y, ow, oh);
                    let want = expected.get_pixel(x as u32, y as u32).0[0];
                    assert_eq!(at(sx, sy) as u8, want, "orientation {o} at {x},{y}");
                }
            }
        }
        assert_eq!(Turn::for_orientation(1), None);
        assert_eq!(Turn::for_orientation(9), None);
    }

    #[test]
    fn what_moves_follows_the_mirrored_axes() {
        // 4:2:0 luma and chroma of a 2000 × 1992 picture: luma 1992 rows = 249 blocks,
        // chroma 996 rows = 124.5 blocks; 2000 columns are whole blocks for both.
        let moves = |o, samp| {
            Turn::for_orientation(o)
                .unwrap()
                .moves((2000, 1992), (2, 2), samp)
        };
        let (luma, chroma) = ((2, 2), (1, 1));
        for o in 2..=8 {
            assert_eq!(moves(o, luma), Some(Move::Blocks), "orientation {o}");
        }
        for o in [2, 5, 8] {
            // Mirrors the width only, or nothing (a transposition moves no padding).
            assert_eq!(moves(o, chroma), Some(Move::Blocks), "orientation {o}");
        }
        for o in [3, 4, 6, 7] {
            // Mirror the height: chroma's half block must be requantised.
            assert_eq!(moves(o, chroma), Some(Move::Requantise), "orientation {o}");
        }
        // Luma not in whole blocks along a mirrored axis cannot reach the output (so
        // neither can the picture, whatever its chroma could do); an odd length that
        // splits chroma samples cannot either.
        let turn = Turn::for_orientation(6).unwrap();
        assert_eq!(turn.moves((2000, 1990), (2, 2), luma), None);
        assert_eq!(turn.moves((2000, 1991), (2, 2), chroma), None);
        // Along an unmirrored axis any length goes (orientation 6 mirrors the height).
        assert_eq!(turn.moves((1990, 2000), (2, 2), luma), Some(Move::Blocks));
        // An odd sampling (3 luma columns per chroma sample) is never turned.
        assert_eq!(
            Turn::for_orientation(2)
                .unwrap()
                .moves((2400, 8), (3, 1), (2, 1)),
            None
        );
    }
}
