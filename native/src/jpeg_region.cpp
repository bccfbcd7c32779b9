#include "bale/jpeg_region.h"
#include "jpeg_cut.h"

#include <algorithm>
#include <csetjmp>
#include <cstdarg>
#include <cstdio>
#include <exception>

// After <cstdio>: jpeglib.h needs FILE and size_t declared.
#include <jerror.h>
#include <jpeglib.h>

namespace bale {
namespace {

// What libjpeg may allocate for one image beyond our own buffer (a progressive JPEG keeps all its
// coefficients: 2 bytes per sample). Over it, libjpeg asks for a backing store, which this build
// refuses: a small file that declares a huge image fails instead of taking the machine's memory.
constexpr long kMaxLibjpegMemory = 1L << 30;

int fail(char* err, int err_len, int status, const char* format, ...) {
    if (err != nullptr && err_len > 0) {
        va_list args;
        va_start(args, format);
        std::vsnprintf(err, static_cast<size_t>(err_len), format, args);
        va_end(args);
    }
    return status;
}

// libjpeg's default error handler calls exit(); this one jumps back into decode_jpeg_region.
struct ErrorManager {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void jump_back(j_common_ptr cinfo) {
    ErrorManager* e = reinterpret_cast<ErrorManager*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, e->message);
    std::longjmp(e->jump, 1);
}

// Warnings (level -1) that mean damaged data are errors: libjpeg would go on and fill the damaged
// part with grey or garbage. The ones left are about metadata the decode does not depend on.
void on_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;  // trace messages
    switch (cinfo->err->msg_code) {
        case JWRN_ADOBE_XFORM:  // unknown Adobe transform code: libjpeg falls back to the JFIF default
        case JWRN_JFIF_MAJOR:   // unknown JFIF revision
        case JWRN_BOGUS_ICC:    // a broken ICC profile marker, which decoding ignores
            return;
        case JWRN_EXTRANEOUS_DATA:
            // Junk before the end-of-image marker comes after every pixel's data (it is reached only
            // when the region ends at the bottom, or with a progressive JPEG): not an error, or the
            // outcome would depend on where the crop is. Before any other marker it is damage.
            if (cinfo->err->msg_parm.i[1] == 0xD9) return;
            jump_back(cinfo);
        default:
            jump_back(cinfo);
    }
}

void no_output(j_common_ptr) {}

// One libjpeg decompressor per thread, created on first use and reused: jpeg_abort_decompress
// returns it to the state after jpeg_create_decompress, keeping its permanent pool.
struct Decompressor {
    jpeg_decompress_struct cinfo{};
    ErrorManager errors{};
    bool created = false;

    Decompressor() {
        cinfo.err = jpeg_std_error(&errors.pub);
        errors.pub.error_exit = jump_back;
        errors.pub.emit_message = on_message;
        errors.pub.output_message = no_output;
    }
    ~Decompressor() {
        if (created) jpeg_destroy_decompress(&cinfo);
    }
    Decompressor(const Decompressor&) = delete;
    Decompressor& operator=(const Decompressor&) = delete;
};
thread_local Decompressor decompressor;

// The libjpeg calls, between setjmp and the end of decode_jpeg_region: no object with a destructor
// lives in this frame, since a longjmp out of libjpeg skips it.
int decode(jpeg_decompress_struct* cinfo, const uint8_t* src, size_t len, int x, int y, int w, int h, int scale,
           bool grayscale, JpegRegion& out, char* err, int err_len) {
    jpeg_mem_src(cinfo, src, static_cast<unsigned long>(len));
    if (jpeg_read_header(cinfo, TRUE) != JPEG_HEADER_OK) {
        return fail(err, err_len, REGION_DAMAGED, "JPEG has tables but no image");
    }
    const int64_t pixels = int64_t(cinfo->image_width) * cinfo->image_height;
    if (pixels > kMaxJpegPixels) {
        return fail(err, err_len, REGION_TOO_LARGE, "JPEG declares %ux%u pixels, over the limit of %lld",
                    cinfo->image_width, cinfo->image_height, static_cast<long long>(kMaxJpegPixels));
    }
    const J_COLOR_SPACE space = cinfo->jpeg_color_space;
    const bool supported = (cinfo->num_components == 1 && space == JCS_GRAYSCALE) ||
                           (cinfo->num_components == 3 && (space == JCS_YCbCr || space == JCS_RGB));
    if (!supported) {
        return fail(err, err_len, REGION_UNSUPPORTED, "JPEG colour space %d with %d components", int(space),
                    cinfo->num_components);
    }
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || JDIMENSION(x) >= cinfo->image_width ||
        JDIMENSION(y) >= cinfo->image_height) {
        return fail(err, err_len, REGION_BAD_REQUEST, "region %dx%d at (%d, %d) is outside the %ux%u image", w, h, x,
                    y, cinfo->image_width, cinfo->image_height);
    }
    w = int(std::min<int64_t>(w, int64_t(cinfo->image_width) - x));
    h = int(std::min<int64_t>(h, int64_t(cinfo->image_height) - y));

    // The settings OpenCV's imdecode uses (islow IDCT, fancy upsampling: libjpeg's defaults).
    cinfo->scale_num = 1;
    cinfo->scale_denom = static_cast<unsigned int>(scale);
    cinfo->out_color_space = grayscale ? JCS_GRAYSCALE : JCS_EXT_BGR;
    jpeg_start_decompress(cinfo);

    const JDIMENSION scaled_w = cinfo->output_width, scaled_h = cinfo->output_height;
    // The wanted output rectangle [left, right) x [top, bottom) at 1/scale.
    const JDIMENSION want_left = JDIMENSION(x / scale), want_top = JDIMENSION(y / scale);
    const JDIMENSION want_right = std::min<JDIMENSION>(scaled_w, JDIMENSION((int64_t(x) + w + scale - 1) / scale));
    const JDIMENSION want_bottom = std::min<JDIMENSION>(scaled_h, JDIMENSION((int64_t(y) + h + scale - 1) / scale));
    // Context for chroma upsampling, in output pixels: libjpeg-turbo upsamples at a cropped edge (and
    // at the first row after a skip) as if it were the image's edge, where a full decode would use the
    // neighbouring chroma sample. One chroma sample covers at most max_h_samp_factor output pixels;
    // jpeg_crop_scanline then moves the left edge down to an iMCU boundary. Above, one iMCU row.
    const JDIMENSION margin_left = JDIMENSION(cinfo->max_h_samp_factor);
    const JDIMENSION margin_right = JDIMENSION(2 * cinfo->max_h_samp_factor);
    const JDIMENSION margin_y = JDIMENSION(cinfo->max_v_samp_factor * cinfo->min_DCT_scaled_size);
    JDIMENSION left = want_left > margin_left ? want_left - margin_left : 0;
    const JDIMENSION right = std::min(scaled_w, want_right + margin_right);
    const JDIMENSION top = want_top > margin_y ? want_top - margin_y : 0;
    if (left > 0 || right < scaled_w) {
        JDIMENSION width = right - left;
        jpeg_crop_scanline(cinfo, &left, &width);  // moves left down to an iMCU boundary; keeps the right edge
    }
    if (top > 0 && jpeg_skip_scanlines(cinfo, top) != top) {
        return fail(err, err_len, REGION_DAMAGED, "JPEG ended before row %u", top);
    }

    const int rows = int(want_bottom - top), cols = int(cinfo->output_width);
    const int channels = cinfo->output_components;
    const size_t stride = size_t(cols) * channels;
    out.storage.resize(stride * rows);  // may throw std::bad_alloc: caught by the caller
    out.pixels = cv::Mat(rows, cols, channels == 1 ? CV_8UC1 : CV_8UC3, out.storage.data(), stride);
    JSAMPROW row_pointers[16];
    while (cinfo->output_scanline < want_bottom) {
        const JDIMENSION at = cinfo->output_scanline;
        const JDIMENSION count = std::min<JDIMENSION>(16, want_bottom - at);
        for (JDIMENSION i = 0; i < count; i++) row_pointers[i] = out.storage.data() + (at - top + i) * stride;
        if (jpeg_read_scanlines(cinfo, row_pointers, count) == 0) {
            return fail(err, err_len, REGION_DAMAGED, "JPEG decoder stalled at row %u", at);
        }
    }
    // Rows below the region are not needed: stop here rather than decode them for jpeg_finish_decompress.
    jpeg_abort_decompress(cinfo);

    out.scale = scale;
    out.x = int(left) * scale;
    out.y = int(top) * scale;
    out.w = std::min(cols * scale, int(cinfo->image_width) - out.x);
    out.h = std::min(rows * scale, int(cinfo->image_height) - out.y);
    out.image_w = int(cinfo->image_width);
    out.image_h = int(cinfo->image_height);
    out.scaled_w = int(scaled_w);
    out.scaled_h = int(scaled_h);
    return REGION_OK;
}

// decode() between setjmp and its end, on this thread's decompressor.
int decode_with_libjpeg(const uint8_t* src, size_t len, int x, int y, int w, int h, int scale, bool grayscale,
                        JpegRegion& out, char* err, int err_len) {
    Decompressor& d = decompressor;
    jpeg_decompress_struct* cinfo = &d.cinfo;
    if (setjmp(d.errors.jump)) {
        const int code = d.errors.pub.msg_code;
        if (d.created) jpeg_abort_decompress(cinfo);
        if (code == JERR_BAD_PRECISION || code == JERR_CONVERSION_NOTIMPL || code == JERR_NOT_COMPILED) {
            return fail(err, err_len, REGION_UNSUPPORTED, "libjpeg: %s", d.errors.message);
        }
        if (code == JERR_NO_BACKING_STORE || code == JERR_OUT_OF_MEMORY) {
            return fail(err, err_len, REGION_TOO_LARGE, "JPEG needs more than %ld MiB to decode (%s)",
                        kMaxLibjpegMemory >> 20, d.errors.message);
        }
        return fail(err, err_len, REGION_DAMAGED, "corrupt JPEG: %s", d.errors.message);
    }
    if (!d.created) {
        jpeg_create_decompress(cinfo);
        d.created = true;
        cinfo->mem->max_memory_to_use = kMaxLibjpegMemory;
    }
    try {
        const int status = decode(cinfo, src, len, x, y, w, h, scale, grayscale, out, err, err_len);
        if (status != REGION_OK) jpeg_abort_decompress(cinfo);
        return status;
    } catch (const std::exception& e) {  // std::bad_alloc from the pixel buffer
        jpeg_abort_decompress(cinfo);
        return fail(err, err_len, REGION_TOO_LARGE, "%s", e.what());
    }
}

thread_local JpegCut cut;

}  // namespace

bool looks_like_jpeg(const uint8_t* src, size_t len) {
    return src != nullptr && len >= 3 && src[0] == 0xFF && src[1] == 0xD8 && src[2] == 0xFF;
}

int decode_jpeg_region(const uint8_t* src, size_t len, int x, int y, int w, int h, int max_scale, bool grayscale,
                       JpegRegion& out, char* err, int err_len) {
    if (err != nullptr && err_len > 0) err[0] = '\0';
    if (max_scale != 1 && max_scale != 2 && max_scale != 4 && max_scale != 8) {
        return fail(err, err_len, REGION_BAD_REQUEST, "scale must be 1, 2, 4 or 8, not %d", max_scale);
    }
    if (!looks_like_jpeg(src, len)) return fail(err, err_len, REGION_DAMAGED, "not a JPEG (%zu bytes)", len);
    // Through the record's entropy index when it has one (built on its second decode): a small
    // JPEG of just the MCUs the region needs, whose pixels there are the source's.
    int cut_status;
    try {
        cut_status = cut_jpeg(src, len, x, y, w, h, max_scale, cut);
    } catch (const std::exception&) {  // std::bad_alloc: the plain path needs less memory
        cut_status = CUT_NO_INDEX;
    }
    if (cut_status == CUT_OK) {
        const int status = decode_with_libjpeg(cut.bytes.data(), cut.size, x - cut.x, y - cut.y, w, h, max_scale,
                                               grayscale, out, err, err_len);
        if (status == REGION_OK) {
            out.x += cut.x;
            out.y += cut.y;
            out.image_w = cut.image_w;
            out.image_h = cut.image_h;
            out.scaled_w = (cut.image_w + max_scale - 1) / max_scale;
            out.scaled_h = (cut.image_h + max_scale - 1) / max_scale;
            out.w = std::min(out.pixels.cols * max_scale, out.image_w - out.x);
            out.h = std::min(out.pixels.rows * max_scale, out.image_h - out.y);
            return REGION_OK;
        }
        // Not expected (the cut holds bits the index pass read cleanly): the plain path decides.
        if (err != nullptr && err_len > 0) err[0] = '\0';
    }
    return decode_with_libjpeg(src, len, x, y, w, h, max_scale, grayscale, out, err, err_len);
}

}  // namespace bale
