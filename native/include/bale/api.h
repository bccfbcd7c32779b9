// BALE_API marks what libbale.so exports: the library is compiled with -fvisibility=hidden, so
// anything not marked stays internal to it.
#ifndef BALE_API_H
#define BALE_API_H

#if defined(BALE_BUILDING_LIBRARY)
#define BALE_API __attribute__((visibility("default")))
#else
#define BALE_API
#endif

#endif  // BALE_API_H
