/* once.h - a table built once, on first use, from any thread. */
#ifndef WB_ONCE_H
#define WB_ONCE_H

/* The table of the squares of 0..15, built by the first caller from any thread
 * (pthread_once); every caller gets the same table. */
const int *squares(void);

#endif
