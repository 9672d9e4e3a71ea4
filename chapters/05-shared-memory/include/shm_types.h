/* shm_types.h - the typecodes of Python's array module that this chapter supports.
 *
 * Python:  Value('d', 0.0)        # 'd': a C double
 *          Array('i', range(10))  # 'i': a C int
 *
 * Given code: nothing to implement here.
 */
#ifndef SHM_TYPES_H
#define SHM_TYPES_H

#include <stddef.h>

/* The size in bytes of one item of typecode: 'c' char, 'i' int, 'l' long, 'd' double.
 * 0 for any other typecode (not supported). */
static inline size_t shm_itemsize(char typecode)
{
    switch (typecode) {
    case 'c': return sizeof(char);
    case 'i': return sizeof(int);
    case 'l': return sizeof(long);
    case 'd': return sizeof(double);
    default: return 0;
    }
}

#endif
