// Include path of the JNI glue only (pom.xml, javacpp execution "jni").
//
// The OpenCV presets list "opencv_adapters.h" among their headers, so every class that inherits
// them (dev.bale.nativ.BaleNative) gets it in its generated JNI code. The 4.13.0-1.5.13 jars do not
// ship it. It holds the adapters JavaCPP uses to pass OpenCV types (cv::Mat, std::vector<cv::Mat>,
// ...) across JNI; BaleNative passes only primitives and pointers, so an empty one suffices.
#pragma once
