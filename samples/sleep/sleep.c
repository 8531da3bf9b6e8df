/* sleep: blocks in WASI poll_oneoff, the way QUERY_STRING says, then answers.
 *   sleep       sleep(10)                      (relative monotonic clock)
 *   nanosleep   nanosleep 10 s
 *   usleep      usleep(10000000)
 *   absolute    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, now + 10 s)
 *   realtime    clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, now + 10 s)
 *   short       usleep 20 ms: a sleep that ends before the deadline
 *   stdin       poll stdin and a 10 s clock together: stdin is ready at once
 * Each run prints the mode it finished. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_until(clockid_t clock, time_t seconds) {
    struct timespec when;
    clock_gettime(clock, &when);
    when.tv_sec += seconds;
    clock_nanosleep(clock, TIMER_ABSTIME, &when, NULL);
}

int main(void) {
    const char *mode = getenv("QUERY_STRING");
    mode = mode ? mode : "sleep";
    if (strcmp(mode, "nanosleep") == 0) {
        struct timespec ten = {10, 0};
        nanosleep(&ten, NULL);
    } else if (strcmp(mode, "usleep") == 0) {
        usleep(10000000);
    } else if (strcmp(mode, "absolute") == 0) {
        sleep_until(CLOCK_MONOTONIC, 10);
    } else if (strcmp(mode, "realtime") == 0) {
        sleep_until(CLOCK_REALTIME, 10);
    } else if (strcmp(mode, "short") == 0) {
        usleep(20000);
    } else if (strcmp(mode, "stdin") == 0) {
        struct pollfd input = {STDIN_FILENO, POLLIN, 0};
        if (poll(&input, 1, 10000) != 1 || !(input.revents & POLLIN)) {
            return 1;
        }
    } else {
        sleep(10);
    }
    printf("Content-Type: text/plain\n\nslept %s\n", mode);
    return 0;
}
