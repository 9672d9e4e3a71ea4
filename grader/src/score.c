/* score.c - stage 5: points for passed tests, per chapter. */
#include "grader.h"

void score_chapter(struct chapter_result *r)
{
    r->score = 0;
    r->max_score = 0;
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        struct test_verdict *t = &r->tests[i];
        t->score = t->status == TEST_PASSED ? t->spec->points : 0;
        r->score += t->score;
        r->max_score += t->spec->points;
    }
    /* analyse.c decides an analysis's score; here it only counts */
    const struct analysis_result *analyses[] = {&r->helgrind, &r->memcheck};
    for (size_t i = 0; i < 2; i++) {
        r->score += analyses[i]->score;
        r->max_score += analyses[i]->max_score;
    }
}

void score_total(const struct chapter_result *rs, size_t n, double *score, double *max)
{
    *score = *max = 0;
    for (size_t i = 0; i < n; i++) {
        *score += rs[i].score;
        *max += rs[i].max_score;
    }
}
