// Raw pixels into the same transform as encoded images: datasets that store decoded pixels
// (pickled numpy arrays, raw Caffe Datums) skip imdecode; their bytes are wrapped as an image and
// everything after the decode step is what decode_transform does.
#ifndef BALE_RAW_H
#define BALE_RAW_H

#include <cstddef>
#include <cstdint>

#include "bale/api.h"
#include "bale/transform.h"

namespace bale {

// How raw pixels are laid out: 8-bit samples, height x width x channels (1 or 3), interleaved (HWC)
// or one plane per channel (CHW), colour channels in RGB or BGR order.
struct RawShape {
    int32_t height, width, channels;
    int32_t planar;  // nonzero: CHW
    int32_t bgr;     // nonzero: blue first
};

// As decode_transform, but src holds raw pixels of the given shape; len must equal
// height * width * channels exactly (else STATUS_UNDECODABLE, nothing read). reduce must be 1.
BALE_API int transform_raw(const uint8_t* src, size_t len, const RawShape& shape, const TransformParams& p,
                           void* dst, char* err, int err_len);

}  // namespace bale

#endif
