/* sha256.h - SHA-256 (FIPS 180-4), for the batch's manifests of student files: a
 * strong hash, so that a changed file cannot pass for the graded one. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t state[8];
    uint64_t bytes;        /* hashed so far */
    unsigned char block[64];
    size_t used;           /* bytes waiting in block */
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* The digest as 64 lowercase hex digits and a '\0'. */
void sha256_final_hex(struct sha256 *h, char hex[65]);
/* The digest of one buffer, as hex. */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
