#include "raw_pixels.h"

#include <opencv2/imgproc.hpp>

namespace bale {

const char* invalid_raw_shape(const RawShape& shape, size_t len, int32_t max_side) {
    if (shape.height <= 0 || shape.width <= 0 || shape.height > max_side || shape.width > max_side) {
        return "raw image size is out of range";
    }
    if (shape.channels != 1 && shape.channels != 3) return "raw images have 1 or 3 channels";
    const size_t need = static_cast<size_t>(shape.height) * static_cast<size_t>(shape.width) *
                        static_cast<size_t>(shape.channels);
    if (need != len) return "raw image shape does not match the record's length";
    return nullptr;
}

void raw_to_image(const uint8_t* src, const RawShape& shape, bool grayscale, cv::Mat& out) {
    const int h = shape.height, w = shape.width;
    uint8_t* data = const_cast<uint8_t*>(src);  // only read: every Mat over it is a source
    if (shape.channels == 1) {
        const cv::Mat gray(h, w, CV_8UC1, data);
        if (grayscale) {
            gray.copyTo(out);
        } else {
            cv::cvtColor(gray, out, cv::COLOR_GRAY2BGR);
        }
        return;
    }
    cv::Mat interleaved;
    if (shape.planar) {
        const size_t plane = static_cast<size_t>(h) * w;
        const cv::Mat planes[3] = {cv::Mat(h, w, CV_8UC1, data), cv::Mat(h, w, CV_8UC1, data + plane),
                                   cv::Mat(h, w, CV_8UC1, data + 2 * plane)};
        const cv::Mat bgr_planes[3] = {planes[shape.bgr ? 0 : 2], planes[1], planes[shape.bgr ? 2 : 0]};
        if (!grayscale) {
            cv::merge(bgr_planes, 3, out);
            return;
        }
        cv::merge(bgr_planes, 3, interleaved);
        cv::cvtColor(interleaved, out, cv::COLOR_BGR2GRAY);
        return;
    }
    const cv::Mat pixels(h, w, CV_8UC3, data);
    if (grayscale) {
        cv::cvtColor(pixels, out, shape.bgr ? cv::COLOR_BGR2GRAY : cv::COLOR_RGB2GRAY);
    } else if (shape.bgr) {
        pixels.copyTo(out);
    } else {
        cv::cvtColor(pixels, out, cv::COLOR_RGB2BGR);
    }
}

}  // namespace bale
