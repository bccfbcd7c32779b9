// Internal: raw pixels to the BGR (or gray) image the transform expects. Not part of the public API.
#ifndef BALE_RAW_PIXELS_H
#define BALE_RAW_PIXELS_H

#include <opencv2/core.hpp>

#include "bale/raw.h"

namespace bale {

// Writes the pixels of src (shape checked against len by the caller) into out, as 8-bit BGR, or
// gray when grayscale is set. Always copies: the transform changes its input in place, and src may
// be a read-only mapping.
void raw_to_image(const uint8_t* src, const RawShape& shape, bool grayscale, cv::Mat& out);

// Null when shape describes exactly len bytes of a supported image, else what is wrong.
const char* invalid_raw_shape(const RawShape& shape, size_t len, int32_t max_side);

}  // namespace bale

#endif
