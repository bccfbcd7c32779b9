package dev.bale.container.tfrecord;

import java.util.List;

/**
 * Feature names. Bale writes the first of each list; when reading a TFRecord written elsewhere it
 * takes the first name present, covering the names TensorFlow's own examples use.
 */
final class FeatureNames {
    static final List<String> IMAGE = List.of("image_raw", "image/encoded");
    static final List<String> LABEL = List.of("label", "image/class/label");
    static final List<String> PATH = List.of("path", "image/filename");
    /** The class name as text, as TensorFlow's image dataset builders write it beside the label. */
    static final String CLASS_TEXT = "image/class/text";
    static final String HEIGHT = "height";
    static final String WIDTH = "width";
    static final String DEPTH = "depth";

    private FeatureNames() {
    }
}
