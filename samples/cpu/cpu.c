/* cpu: a tight xorshift loop for benchmarks. QUERY_STRING "n=<count>" sets the
 * number of rounds (default 20000000). Each round feeds the next, so the
 * optimizer can neither drop nor fold the loop. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rounds_from_query(const char *query) {
    uint64_t rounds = 20000000u;
    while (query != NULL && *query != '\0') {
        if (strncmp(query, "n=", 2) == 0) {
            rounds = strtoull(query + 2, NULL, 10);
        }
        query = strchr(query, '&');
        if (query != NULL) {
            query++;
        }
    }
    return rounds;
}

static uint64_t work(uint64_t rounds) {
    uint64_t x = 88172645463325252u;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < rounds; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum += x ^ i;
    }
    return sum;
}

int main(void) {
    uint64_t result = work(rounds_from_query(getenv("QUERY_STRING")));
    printf("Content-Type: text/plain\n\n%" PRIu64 "\n", result);
    return 0;
}
