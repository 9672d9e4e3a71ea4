/* handshake.h - a parent and a child take turns through process-shared semaphores. */
#ifndef HANDSHAKE_H
#define HANDSHAKE_H

/* Forks a child; parent and child take `rounds` turns each; returns the rounds the
 * child completed (its exit status), or -1. */
int ping_pong(int rounds);

#endif
