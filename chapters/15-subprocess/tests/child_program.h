/* child_program.h - the image of the program the tests run as a child
 * (child_program/child_program.c says what it does and why the tests carry it). */
#ifndef CHILD_PROGRAM_H
#define CHILD_PROGRAM_H

extern const unsigned char child_program_image[];
extern const unsigned long child_program_image_size;

#endif
