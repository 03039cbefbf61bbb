"""The core: the show's rules, its checks and its importers. No screens, no server, no drawing for a terminal.

The show's rules, in plain modules:

* :mod:`.show`: :class:`~.show.Show`, the one way anything changes an event: each
  command is written to the record and comes out on one stream of changes;
* :mod:`.event` (the event file), :mod:`.record` (its log, each entry checked by
  :mod:`.entries`), :mod:`.draw`, :mod:`.clock`, :mod:`.scoring`, :mod:`.changes`,
  and :mod:`.history` (past events in a folder).

Two packages that the rules never import (but for the show asking
:mod:`.checks` about its decks folder):

* :mod:`.checks`: is this deck, decks folder or event file usable?
* :mod:`.importing`: PDFs, presentations, zips and folders of images made into decks.

Files, shared by all of them (and by the rest of the program):

* :mod:`.decks` (reading decks, never opening their images), :mod:`.images`
  (opening a picture safely), :mod:`.pdf` (PDF pages and their cache),
  :mod:`.yamlfile` (strict YAML, every key's line kept), :mod:`.atomic` (writes that are whole or
  not at all, and the one-app-per-event lock);
* small helpers: :mod:`.problems` (one line naming the file), :mod:`.text` (the organizer's text made safe
  to print), :mod:`.words`.
"""
