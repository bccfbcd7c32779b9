// The entropy index behind region decoding's seek (native/src/jpeg_cut.cpp): once a baseline
// JPEG has been decoded, Bale remembers where each stretch of MCUs starts in its entropy-coded data
// (byte, bit, DC predictors), so that later decodes of a region copy just those MCUs' bits into a
// small JPEG instead of Huffman-decoding every row above the region and every column beside it.
//
// The indexes live in one process-wide cache with a byte budget. A record is indexed on one of its
// decodes 2 .. 5 (the first takes the plain path and only remembers the record's hash; which later
// one, its hash decides), so that one pass over a dataset costs no more than before and the
// indexing work is shared out over the next four epochs; records are indexed
// until the budget is full; after that, records not indexed take the plain region
// path (libjpeg-turbo's skip and crop). Nothing is evicted: under shuffled epochs every record is
// as likely as any other, so evicting would only trade one index for another at the cost of a full
// Huffman pass. An index is keyed by a 64-bit hash of the record's bytes (seeded per process) and
// its length, and checked against the JPEG's header, so it is never applied to other bytes.
#ifndef BALE_JPEG_INDEX_H
#define BALE_JPEG_INDEX_H

#include <cstdint>

#include "bale/api.h"

namespace bale {

// The budget when none is set: 128 MiB, about 40,000 indexes of 500x375 4:2:0 photos.
constexpr int64_t kDefaultJpegIndexBudget = int64_t(128) << 20;

// Empties the cache and sets its budget in bytes; 0 turns the index off (every region decode takes
// the plain path). Thread-safe; decodes in flight keep the index they hold.
BALE_API void set_jpeg_index_budget(int64_t bytes);

// Over how many epochs the building of indexes is shared out (default kDefaultJpegIndexSpread): a
// record is indexed on one of its decodes 2 .. epochs + 1, picked by its hash. 1 indexes every record
// on its second decode (that epoch pays every Huffman pass at once). Does not empty the cache.
constexpr int kDefaultJpegIndexSpread = 4;
BALE_API void set_jpeg_index_spread(int epochs);

// Whether region decodes use the indexes (default true). Off, they take the plain path and the
// indexes are kept: benchmarks compare both paths in one process.
BALE_API void use_jpeg_index(bool on);

// Counters since the process started (or the last set_jpeg_index_budget):
// out[0] records indexed, out[1] bytes the indexes hold, out[2] the budget,
// out[3] region decodes through an index (the cut path), out[4] indexes built (Huffman passes),
// out[5] records left unindexed because the budget was full,
// out[6] region decodes of JPEGs the index does not handle (progressive, restart markers, ...).
BALE_API void jpeg_index_stats(int64_t* out);

}  // namespace bale

#endif  // BALE_JPEG_INDEX_H
