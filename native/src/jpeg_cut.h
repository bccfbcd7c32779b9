// Cutting a region out of a baseline JPEG in the bit domain, for region decoding (jpeg_region.cpp).
// Internal to libbale.so.
//
// The cut is a valid baseline JPEG of MCU rows [r0, r1) and columns [c0, c1) of the source, made
// without decoding them: the header is the source's (tables copied, size patched, a restart
// interval of one cut row added); each row's entropy-coded bits are copied from the source, shifted
// to their new bit position, with 0xFF byte stuffing redone; the first DC difference of each
// component in each row is re-encoded against the predictor 0 that the restart marker sets. Where
// rows start and what the DC predictors are there comes from the record's entropy index
// (bale/jpeg_index.h), built by a Huffman pass over the record the second time it is decoded.
// Decoding the cut gives the same coefficients, hence the same pixels as a full decode, away from
// the cut's edges; the caller asks for a region with context margins so that they are far enough.
#ifndef BALE_JPEG_CUT_H
#define BALE_JPEG_CUT_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bale {

struct JpegCut {
    std::vector<uint8_t> bytes;  // the cut JPEG; reused between calls
    size_t size = 0;             // bytes used
    int x = 0, y = 0;            // its top-left corner in the source image, in source pixels
    int image_w = 0, image_h = 0;  // the source image's size
};

enum CutStatus : int {
    CUT_OK = 0,
    CUT_WHOLE = 1,        // the region needs every MCU: nothing to cut
    CUT_UNSUPPORTED = 2,  // not a JPEG the cut handles (progressive, restart markers, arithmetic, ...)
    CUT_NO_INDEX = 3,     // no index for these bytes yet (first decode), no room to build one, or
                          // the Huffman pass failed (damaged data: the plain path reports it)
};

// Cuts out of src[0, len) the MCUs that region (x, y, w, h) (source pixels, clipped to the image)
// needs when decoded at 1/scale, widened by chroma-upsampling context of two chroma samples on
// every side that is not the image's edge. Thread-safe.
int cut_jpeg(const uint8_t* src, size_t len, int x, int y, int w, int h, int scale, JpegCut& out);

}  // namespace bale

#endif  // BALE_JPEG_CUT_H
