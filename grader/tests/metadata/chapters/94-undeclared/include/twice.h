/* twice.h - a number doubled. */
#ifndef WB_TWICE_H
#define WB_TWICE_H

int twice(int n);

#endif
