# grader/chapter.mk - `make grade` inside a chapter folder grades that chapter.
#
# Each chapters/NN-topic/Makefile is one line, `include ../../grader/chapter.mk`; the work
# is done by the workbook's Makefile, with CH set to this folder:
#
#   make grade                      this chapter
#   make grade FILE=src/lock.c      the tests of one student file
#   make grade TEST=lock_           the tests whose name begins with lock_
#   make grade ARGS=--show-output   any other option of bin/grade
#   make watch                      grade it again each time one of its files is saved
#   make hint [EX=lock]             the next hint of an exercise
WORKBOOK := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
CHAPTER := $(notdir $(CURDIR))

.PHONY: grade watch hint
grade watch hint:
	@$(MAKE) --no-print-directory -C $(WORKBOOK) $@ CH=$(CHAPTER)
