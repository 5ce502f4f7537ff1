// The GL API for src/render: OpenGL ES 3.0 (WebGL2) in the page, OpenGL 3.3
// core on the desktop. CMake defines CKPT_GL_ES3 for the page build.
//
// Desktop entry points come straight from libGL (glvnd/Mesa exports every
// core function, so GL_GLEXT_PROTOTYPES + glcorearb.h need no loader); the
// calls src/render makes are the GLES 3.0 subset, which both APIs share.
#pragma once

#ifdef CKPT_GL_ES3
#include <GLES3/gl3.h>
#else
#ifndef GL_GLEXT_PROTOTYPES
#define GL_GLEXT_PROTOTYPES 1
#endif
#include <GL/glcorearb.h>
#endif
