//! Lossless rotation: a JPEG that meets every rule but its EXIF orientation is turned
//! upright in the DCT domain, as jpegtran's perfect transforms do, instead of being
//! decoded and re-encoded. The coefficient blocks move (and the coefficients inside
//! each block are transposed and their odd frequencies negated), so no quantisation
//! happens again: the reviewer sees the camera's pixels, and it costs a fraction of
//! an encode.
//!
//! Only whole MCUs can move: a flipped axis whose length is not a multiple of the MCU
//! would carry the padding blocks of the edge into the picture. Such a picture gets
//! `None` here and is re-encoded by the band search (never trimmed: the border of a
//! document must stay complete).
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

    /// Whether the turn moves only whole MCUs of a `width` × `height` picture whose MCU
    /// is `mcu_w` × `mcu_h` pixels: each axis mirrored in the output must be a whole
    /// number of MCUs in the source.
    fn is_exact(self, width: u32, height: u32, mcu_w: u32, mcu_h: u32) -> bool {
        // The output's horizontal axis is the source's vertical one when transposed.
        let ((across, across_mcu), (down, down_mcu)) =
            self.swapped(((width, mcu_w), (height, mcu_h)));
        (!self.flip_h || across % across_mcu == 0) && (!self.flip_v || down % down_mcu == 0)
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
/// decoding, with no metadata; `None` when the turn cannot be exact for its size and
/// sampling, when there is nothing to turn, or when libjpeg gives up (then the caller
/// re-encodes, as without this path).
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

/// One component's geometry: blocks per row and rows of blocks, padded to whole MCUs
/// (as libjpeg allocates its coefficient arrays), and its vertical sampling factor
/// (the rows of blocks one MCU row holds).
#[derive(Debug, Clone, Copy)]
struct Plane {
    cols: usize,
    rows: usize,
    v_samp: usize,
}

/// The turn itself: coefficients read, moved into arrays of the output's shape, written.
fn transcode(bytes: &[u8], turn: Turn) -> Result<Option<Vec<u8>>, JpegError> {
    let mut src = Reader::new(bytes);
    let s = &mut *src.cinfo;
    // SAFETY (this block and below): libjpeg calls in the order its manual gives for
    // transcoding (jpegtran's); every pointer dereferenced is one libjpeg set up for
    // this struct, within the sizes its own fields state.
    unsafe { jpeg_read_header(s, 1) };
    let (width, height) = (s.image_width, s.image_height);
    let (max_h, max_v) = (s.max_h_samp_factor as u32, s.max_v_samp_factor as u32);
    if !turn.is_exact(width, height, max_h * 8, max_v * 8) {
        return Ok(None);
    }
    let (out_w, out_h) = turn.swapped((width, height));
    let (out_max_h, out_max_v) = turn.swapped((max_h, max_v));
    let n = s.num_components as usize;
    // SAFETY: comp_info holds num_components entries after jpeg_read_header.
    let comps = unsafe { std::slice::from_raw_parts(s.comp_info, n) };
    let planes: Vec<(Plane, Plane)> = comps
        .iter()
        .map(|c| {
            let (hs, vs) = (c.h_samp_factor as usize, c.v_samp_factor as usize);
            let padded = |len: u32, max: u32, samp: usize| len.div_ceil(max * 8) as usize * samp;
            let source = Plane {
                cols: padded(width, max_h, hs),
                rows: padded(height, max_v, vs),
                v_samp: vs,
            };
            let (out_hs, out_vs) = turn.swapped((hs, vs));
            let out = Plane {
                cols: padded(out_w, out_max_h, out_hs),
                rows: padded(out_h, out_max_v, out_vs),
                v_samp: out_vs,
            };
            (source, out)
        })
        .collect();
    // The output's arrays come from the source's memory manager before the source's
    // own are realised, so reading the coefficients realises both (jpegtran's way).
    let mem = unsafe { &mut *s.common.mem };
    let request = mem.request_virt_barray.ok_or_else(no_manager)?;
    let access = mem.access_virt_barray.ok_or_else(no_manager)?;
    let mut out_arrays: Vec<*mut jvirt_barray_control> = planes
        .iter()
        .map(|(_, p)| unsafe {
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
    for (ci, (sp, op)) in planes.iter().enumerate() {
        // libjpeg-turbo keeps every virtual array in memory (jmemnobs): the row
        // pointers taken here stay valid while the Reader lives.
        let mut rows = |array: *mut jvirt_barray_control, plane: &Plane, write: bool| {
            (0..plane.rows)
                .map(|r| unsafe { *access(&mut s.common, array, r as u32, 1, write as boolean) })
                .collect::<Vec<JBLOCKROW>>()
        };
        let from = rows(unsafe { *src_arrays.add(ci) }, sp, false);
        let to = rows(out_arrays[ci], op, true);
        for (y, &row) in to.iter().enumerate() {
            for x in 0..op.cols {
                let (sx, sy) = turn.source_of(x, y, op.cols, op.rows);
                if sx >= sp.cols || sy >= sp.rows {
                    return Ok(None);
                }
                unsafe { turn.block(&*from[sy].add(sx), &mut *row.add(x)) };
            }
        }
    }
    let mut out = Writer::new();
    let d = &mut *out.cinfo;
    unsafe {
        // One baseline scan with Huffman tables optimised for it: progressive scans
        // save ~4 % more bytes but double the time of the whole turn (measured on the
        // corpus photo, benches/dct.rs); trellis has no say over coefficients given.
        jpeg_c_set_int_param(d, J_INT_PARAM::JINT_COMPRESS_PROFILE, JCP_FASTEST as c_int);
        jpeg_copy_critical_parameters(s, d);
        d.optimize_coding = 1;
    }
    if turn.transpose {
        transpose_parameters(d, out_w, out_h);
    }
    unsafe {
        jpeg_write_coefficients(d, out_arrays.as_mut_ptr());
        jpeg_finish_compress(d);
        jpeg_finish_decompress(s);
    }
    Ok(Some(std::mem::take(&mut out.dest.buf)))
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
    fn exactness_follows_the_mirrored_axes() {
        // 4:2:0: a 16 × 16 MCU. Width 2000 (125 MCUs), height 1992 (not whole).
        let exact = |o| {
            Turn::for_orientation(o)
                .unwrap()
                .is_exact(2000, 1992, 16, 16)
        };
        assert!(exact(2)); // mirrors the width only
        assert!(!exact(3) && !exact(4) && !exact(7));
        assert!(exact(5)); // a transposition moves no padding into the picture
        assert!(!exact(6)); // rotating right mirrors the source's height
        assert!(exact(8)); // rotating left mirrors the source's width
    }
}
