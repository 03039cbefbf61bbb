"""Importing decks: PDFs, PowerPoint and OpenDocument files, folders and zips of images.

Each source becomes a deck folder of normalized slides and a ``deck.yaml``, all
of them or none. Callers use :func:`import_decks`; the work is done by one
module per job:

* :mod:`.plan` finds out what each source is and which deck it becomes, and
  refuses (a deck already there, two sources for one deck) before anything is written;
* one module per kind of source, each a :class:`~.slides.Reader`:

  - :mod:`.pdf`: each page drawn as a slide;
  - :mod:`.office`: PowerPoint and OpenDocument, made a PDF by LibreOffice first;
  - :mod:`.archive`: a zip of slide images, opened warily (no zip bombs, no unsafe paths);
  - :mod:`.folder`: a folder of slide images;

* :mod:`.slides` is what they share: the reader's interface, and how a slide is
  decoded safely, normalized and kept;
* :mod:`.place` builds each deck in a hidden folder and renames them all into place.
"""

from .office import find_soffice
from .place import Imported, import_decks
from .plan import Source, plan, source_kind
from .slides import ImportFailed, Progress

__all__ = ["ImportFailed", "Imported", "Progress", "Source", "find_soffice", "import_decks", "plan", "source_kind"]
