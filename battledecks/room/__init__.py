"""The show server and the audience in the room: the stream, the stage page, the votes."""
