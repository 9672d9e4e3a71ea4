/* shared_mem.h - memory, and locks inside it, that stay shared across fork.
 *
 * Python:  Value, Array and their locks live in "a shared memory map", so that the
 *          writes of a child are seen by its parent. (Chapter 01's globals were
 *          copied instead: after fork each process has its own copy.)
 *
 * mmap(MAP_SHARED | MAP_ANONYMOUS) makes memory with no file behind it whose pages
 * are NOT copied by fork: parent and child map the same physical pages. A mutex in
 * such memory works across processes only when initialized with the attribute
 * PTHREAD_PROCESS_SHARED.
 */
#ifndef SHARED_MEM_H
#define SHARED_MEM_H

#include <pthread.h>
#include <stddef.h>

/* Maps size bytes of anonymous shared memory, readable and writable, filled with
 * zeros and aligned on a page. Children forked afterwards share it with the caller:
 * a write by one is seen by all.
 *
 * Returns the address. Returns NULL with errno set: EINVAL when size is 0, ENOMEM
 * (or another errno from mmap) when it cannot be mapped. */
void *shm_map(size_t size);

/* Unmaps what shm_map(size) returned, in the calling process only: other processes
 * keep their mapping until they unmap it or end.
 *
 * Returns 0. Returns -1 with errno EINVAL when addr is NULL or size is 0, or another
 * errno from munmap. */
int shm_unmap(void *addr, size_t size);

/* Initializes *m, which must lie in shared memory, as a mutex that works across
 * processes (PTHREAD_PROCESS_SHARED) and is recursive (PTHREAD_MUTEX_RECURSIVE):
 * the thread holding it may lock it again and must unlock it as many times. This is
 * Python's default lock for Value and Array, an RLock, so that
 *     with v.get_lock(): v.value += 1
 * may take the lock inside v.value again without deadlocking.
 *
 * Returns 0, or an error number (as pthread functions do, errno is not used). */
int shm_lock_init(pthread_mutex_t *m);

#endif
